// Types for what the tests import from connector-package.mjs.
export const COMPILED_PACKAGE_MODULE: string;
export function writeConnectorPackage(
  folder: string,
  options?: { publicUrl?: string; buildConnectorPackage?: (publicUrl: URL) => Record<string, Buffer> },
): Promise<string[]>;
