// What both `npm start` and `npm test` need first on a fresh clone: the npm packages, the
// generated Prisma client, and the compiled services. Each step is skipped when it is current.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (...parts) => path.join(root, ...parts);
const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

/**
 * Whether this Node.js is in the range package.json's engines declares: the intersection of what
 * every dependency declares (Prisma 7 and @nestjs/throttler need 20.19 or 22.12, ESLint 22.13,
 * Prisma Studio at most 24). Checked before npm installs anything, so without semver;
 * test/engines.spec.ts holds the two to the same answer.
 */
export function nodeSupported(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  return (major === 20 && minor >= 19) || (major === 22 && minor >= 13) || major === 24;
}

export function checkNode() {
  if (!nodeSupported()) {
    throw new Error(`Node.js ^20.19, ^22.13 or ^24 is required (what the dependencies support), this is ${process.versions.node}`);
  }
}

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

/** npm ci when node_modules is missing or older than the lockfile. */
export function installPackages(log) {
  const installed = at('node_modules/.package-lock.json');
  if (mtime(installed) >= mtime(at('package-lock.json'))) return;
  log('installing npm packages (npm ci)...');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

export async function generateClient(log) {
  const marker = at('libs/db/src/generated/client.ts');
  if (mtime(marker) >= mtime(at('prisma/schema.prisma'))) return;
  log('generating the Prisma client...');
  const { generatePrismaClient } = await import('./prisma-generate.mjs');
  generatePrismaClient();
}

export async function buildServices(log) {
  const { build } = await import('./build.mjs');
  await build({ log });
}

export async function prepare(log = (msg) => console.log(`[tripline] ${msg}`)) {
  checkNode();
  installPackages(log);
  await generateClient(log);
  await buildServices(log);
}

/** Loads .env into process.env, without overriding what the shell already set. */
export function loadDotEnv() {
  const file = at('.env');
  if (existsSync(file)) process.loadEnvFile(file);
}
