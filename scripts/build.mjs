// Compiles apps/ and libs/ (TypeScript, decorators with metadata) to dist/ with SWC, rewriting
// the @tripline/* path aliases to relative requires, so `node dist/apps/<app>/src/main.js` runs
// with nothing but node_modules; and bundles the console (apps/console, a React app) with Vite
// into dist/console, which the gateway serves. Type checking is `npm run typecheck`'s job, not
// this one's.
import { readFile, readdir, mkdir, writeFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { swcOptions } = require('./swc-options.cjs');

/** Bundled by Vite, not compiled file by file: it runs in the browser. */
const CONSOLE = path.join(root, 'apps/console');

async function* sources(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && full !== CONSOLE) yield* sources(full);
    } else if (entry.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      yield full;
    }
  }
}

export async function build({ log = console.log } = {}) {
  const swc = require('@swc/core');
  const options = swcOptions();
  const out = path.join(root, 'dist');
  await rm(out, { recursive: true, force: true });
  let count = 0;
  const jobs = [];
  for (const top of ['apps', 'libs', 'bench']) {
    for await (const file of sources(path.join(root, top))) {
      jobs.push(
        (async () => {
          const result = await swc.transform(await readFile(file, 'utf8'), { ...options, filename: file });
          const target = path.join(out, path.relative(root, file)).replace(/\.ts$/, '.js');
          await mkdir(path.dirname(target), { recursive: true });
          await writeFile(target, result.code + `\n//# sourceMappingURL=${path.basename(target)}.map`);
          if (result.map) await writeFile(`${target}.map`, result.map);
          count++;
        })(),
      );
    }
  }
  await Promise.all(jobs);
  log(`built ${count} files into dist/`);
  await buildConsole(log);
}

/** The console, with its Vite config (apps/console/vite.config.mjs), into dist/console. */
async function buildConsole(log) {
  const vite = await import('vite');
  // The config is plain ESM: loaded as it is, rather than bundled into a temporary file under node_modules.
  const output = await vite.build({ configFile: path.join(CONSOLE, 'vite.config.mjs'), configLoader: 'native', logLevel: 'warn' });
  const files = (Array.isArray(output) ? output : [output]).flatMap((result) => result.output ?? []);
  log(`built the console (${files.length} files) into dist/console/`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  build().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
