// `npm test`: the whole suite. Prepares a fresh clone (packages, Prisma client, build), checks
// types and the module boundaries, then runs the unit, integration and end-to-end tiers in one
// Jest run against real Kafka and Postgres (see libs/testing/src/test-infra.ts for which).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadDotEnv, prepare, root, run } from './prepare.mjs';

const log = (msg) => console.log(`[tripline] ${msg}`);
const bin = (name) => path.join(root, 'node_modules/.bin', name);

async function main() {
  loadDotEnv();
  await prepare(log);
  log('type checking...');
  run(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  // The console is a browser app (DOM, JSX, no Node): its own settings, its tests' with Jest's types.
  for (const project of ['apps/console/tsconfig.json', 'apps/console/tsconfig.spec.json']) run(bin('tsc'), ['-p', project]);
  log('linting (module boundaries)...');
  run(bin('nx'), ['run-many', '-t', 'lint', '--outputStyle=static'], { env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } });

  const results = path.join(root, '.tripline/jest-results.json');
  let failed = false;
  try {
    // One file at a time: the integration and e2e files share one broker and two cores.
    // --forceExit: the suite leaves no handle open (Jest exits on its own without it, and
    // --detectOpenHandles finds none), but a future leak must fail loudly, never hang CI.
    run(bin('jest'), ['--runInBand', '--forceExit', '--json', `--outputFile=${results}`, ...process.argv.slice(2)]);
  } catch {
    failed = true;
  }
  const summary = JSON.parse(readFileSync(results, 'utf8'));
  console.log(`${summary.numPassedTests} passed, ${summary.numFailedTests} failed`);
  if (failed || summary.numFailedTests > 0 || summary.numTotalTests === 0) process.exit(1);
}

main().catch((error) => {
  console.error(`[tripline] ${error.message}`);
  process.exit(1);
});
