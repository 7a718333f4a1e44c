// Generates the Prisma client into libs/db/src/generated (gitignored).
// Prisma's CLI wants a native schema engine from its binary host even to generate, which this
// kind of machine cannot reach; generate never runs it, so any existing file satisfies the check.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function generatePrismaClient() {
  const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
  env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
  const result = spawnSync(path.join(root, 'node_modules/.bin/prisma'), ['generate'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`prisma generate failed:\n${result.stdout}\n${result.stderr}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  generatePrismaClient();
  console.log('Prisma client generated in libs/db/src/generated');
}
