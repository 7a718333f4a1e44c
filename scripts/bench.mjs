// `npm run bench`: prepares a fresh clone like `npm test` does, then runs the benchmark
// (bench/src/run.ts, compiled into dist/bench). Not part of `npm test`: no timing is asserted.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadDotEnv, prepare, root } from './prepare.mjs';

loadDotEnv();
await prepare((msg) => console.error(`[tripline] ${msg}`));
// `npm run bench:retention` (bench/src/retention-bench.ts): the delivery path while retention deletes a backlog.
// `npm run bench:profile` (bench/src/profile-run.ts): where each service's CPU goes at saturation.
const entries = { retention: 'retention-bench.js', profile: 'profile-run.js' };
const entry = entries[process.argv[2]] ?? 'run.js';
const result = spawnSync(process.execPath, [path.join(root, 'dist/bench/src', entry)], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
