import { createHmac } from 'node:crypto';
import type { Pool } from 'undici';

/**
 * The baselines' callback: a Standard Webhooks signature (HMAC-SHA256 of id.timestamp.body, as
 * Tripline signs) and a POST over the keep-alive pool, the answer drained. Resolves with the status.
 */
export async function signedPost(receiver: Pool, path: string, key: Buffer, id: string, body: string): Promise<number> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
  const res = await receiver.request({
    path,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature },
  });
  await res.body.dump();
  return res.statusCode;
}
