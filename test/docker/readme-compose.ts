import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/**
 * The variables the README's `VAR=... docker compose up` command sets, as a shell would: each
 * `$(openssl rand ...)` becomes a value of the shape it generates.
 */
export function readmeComposeVariables(): Record<string, string> {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const command = /`((?:[A-Z_]+=(?:\$\([^)]*\)|\S+) )+)docker compose up[^`]*`/.exec(readme);
  if (!command) throw new Error("README.md has no `VAR=... docker compose up` command");
  const samples: Record<string, string> = {
    '$(openssl rand -hex 24)': 'a'.repeat(48),
    '$(openssl rand -base64 32)': Buffer.alloc(32, 5).toString('base64'),
  };
  const host: Record<string, string> = {};
  for (const [, name, value] of command[1].matchAll(/([A-Z_]+)=(\$\([^)]*\)|\S+)/g)) host[name] = samples[value] ?? value;
  return host;
}
