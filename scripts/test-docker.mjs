// `npm run test:docker`: builds the repo's Dockerfile and runs migrate and the five services from
// the image against real Kafka and Postgres, end to end (test/docker/). Needs a Docker engine: a
// running daemon, or dockerd to start (as root); it stops what it started.
import path from 'node:path';
import { loadDotEnv, prepare, root, run } from './prepare.mjs';

const log = (msg) => console.log(`[tripline] ${msg}`);

async function main() {
  loadDotEnv();
  await prepare(log);
  run(path.join(root, 'node_modules/.bin/jest'), ['--config', 'test/docker/jest.config.js', '--runInBand', '--forceExit', ...process.argv.slice(2)]);
}

main().catch((error) => {
  console.error(`[tripline] ${error.message}`);
  process.exit(1);
});
