// `npm run bench`: prepares a fresh clone like `npm test` does, then runs the benchmark
// (bench/src/run.ts, compiled into dist/bench). Not part of `npm test`: no timing is asserted.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadDotEnv, prepare, root, run } from './prepare.mjs';

loadDotEnv();
await prepare((msg) => console.error(`[tripline] ${msg}`));
if (process.argv[2] === 'kafka-clients') installComparedClient();
// `npm run bench:retention` (bench/src/retention-bench.ts): the delivery path while retention deletes a backlog.
// `npm run bench:profile` (bench/src/profile-run.ts): where each service's CPU goes at saturation.
// `npm run bench:kafka-clients` (bench/src/kafka-clients-bench.ts): kafkajs against @platformatic/kafka.
const entries = { retention: 'retention-bench.js', profile: 'profile-run.js', 'kafka-clients': 'kafka-clients-bench.js' };
const entry = entries[process.argv[2]] ?? 'run.js';
const result = spawnSync(process.execPath, [path.join(root, 'dist/bench/src', entry)], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);

/**
 * The Kafka client kafkajs is compared with is installed for the comparison only, into
 * .tripline/bench-clients, not as a dependency of Tripline: its own dependencies declare Node.js
 * 22.19 or later, outside the range package.json declares (docs/benchmarks.md).
 */
function installComparedClient() {
  const prefix = path.join(root, '.tripline/bench-clients');
  if (existsSync(path.join(prefix, 'node_modules/@platformatic/kafka/package.json'))) return;
  console.error('[tripline] installing @platformatic/kafka 1.35.0 for the comparison into .tripline/bench-clients...');
  run('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', '@platformatic/kafka@1.35.0']);
}
