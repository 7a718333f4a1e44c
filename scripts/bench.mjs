// `npm run bench`: prepares a fresh clone like `npm test` does, then runs the benchmark
// (bench/src/run.ts, compiled into dist/bench). Not part of `npm test`: no timing is asserted.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadDotEnv, prepare, root } from './prepare.mjs';

loadDotEnv();
await prepare((msg) => console.error(`[tripline] ${msg}`));
// `npm run bench:retention` (bench/src/retention-bench.ts): the delivery path while retention deletes a backlog.
const entry = process.argv[2] === 'retention' ? 'retention-bench.js' : 'run.js';
const result = spawnSync(process.execPath, [path.join(root, 'dist/bench/src', entry)], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
