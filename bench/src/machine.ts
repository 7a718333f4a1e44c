import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { REPO_ROOT, type TestInfra } from '@tripline/testing';

/** What the figures were measured on. */
export async function describeMachine(infra: TestInfra) {
  const pom = readFileSync(path.join(REPO_ROOT, 'infra/kafka/pom.xml'), 'utf8');
  const client = new Client({ connectionString: infra.databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
  await client.end();
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    // java -version writes to stderr.
    java: spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[0] ?? 'unknown',
    kafka: infra.provider === 'local' ? (/<kafka\.version>([^<]+)</.exec(pom)?.[1] ?? 'unknown') : `given (${infra.provider})`,
    postgres: rows[0].server_version,
    kafkajs: JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/kafkajs/package.json'), 'utf8')).version,
  };
}
