/** A response body as JSON; test code asserts its shape with expect(), so it is read loosely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export async function json(res: Response): Promise<Json> {
  return res.json();
}
