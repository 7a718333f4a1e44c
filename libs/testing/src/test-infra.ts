import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import type { ContainerRuntimeClient } from 'testcontainers';
import { chooseInfra, type ContainerRuntime } from './infra-choice';

/** The repository's root, from sources (tests) or from dist/ (the benchmark) alike. */
export const REPO_ROOT = findRoot(__dirname);

function findRoot(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
  }
  throw new Error(`no repository root (nx.json) above ${from}`);
}
const INFRA_FILE = path.join(REPO_ROOT, '.tripline/test-infra.json');
const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/tripline';

/** Where this test run's Kafka and Postgres are, and the run's own topic namespace. */
export interface TestInfra {
  kafkaBrokers: string[];
  databaseUrl: string;
  namespace: string;
  provider: 'given' | 'testcontainers' | 'local';
}

interface Started {
  infra: TestInfra;
  stop(): Promise<void>;
}

const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.0';
const POSTGRES_IMAGE = 'postgres:15';

/**
 * Finds real infrastructure for the run (`chooseInfra`: TRIPLINE_TEST_INFRA, else what
 * KAFKA_BROKERS and DATABASE_URL name, else containers where a runtime answers with its images,
 * else the repo's local broker script and the local Postgres), and says which and why. Never a
 * mock: with none of these, the run fails, it does not pass.
 */
export async function provisionInfra(log: (msg: string) => void): Promise<Started> {
  const namespace = `test-${Date.now().toString(36)}-${process.pid}.`;
  let kafkaBrokers = process.env.KAFKA_BROKERS?.split(',').map((s) => s.trim()).filter(Boolean);
  let serverUrl = process.env.DATABASE_URL;
  const images = [...(kafkaBrokers ? [] : [KAFKA_IMAGE]), ...(serverUrl ? [] : [POSTGRES_IMAGE])];
  const { choice, reason } = await chooseInfra(process.env, testcontainersRuntime(), images);
  log(`test infra: ${choice}, because ${reason}`);
  let provider: TestInfra['provider'] = choice === 'given' ? 'given' : 'local';
  const stops: Array<() => Promise<void>> = [];

  if (choice === 'containers') {
    const containers = await startContainers({ kafka: !kafkaBrokers, postgres: !serverUrl });
    provider = 'testcontainers';
    kafkaBrokers ??= containers.kafkaBrokers;
    serverUrl ??= containers.databaseUrl;
    stops.push(containers.stop);
  }
  if (!kafkaBrokers) {
    // The broker script starts a detached broker, or reuses a running one, and waits until ready.
    const out = execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/kafka.mjs'), 'start'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    kafkaBrokers = [/KAFKA_BROKERS=(\S+)/.exec(out)?.[1] ?? '127.0.0.1:9092'];
  }
  const databaseUrl = await freshDatabase(serverUrl ?? DEFAULT_DATABASE_URL);
  const infra: TestInfra = { kafkaBrokers, databaseUrl, namespace, provider };
  mkdirSync(path.dirname(INFRA_FILE), { recursive: true });
  writeFileSync(INFRA_FILE, JSON.stringify(infra, null, 2));
  log(`test infra (${provider}): Kafka ${kafkaBrokers.join(',')}, Postgres ${redact(databaseUrl)}, namespace ${namespace}`);
  return { infra, stop: async () => void (await Promise.all(stops.map((s) => s()))) };
}

/** Read by test files: the infrastructure the global setup provisioned. */
export function testInfra(): TestInfra {
  try {
    return JSON.parse(readFileSync(INFRA_FILE, 'utf8')) as TestInfra;
  } catch {
    throw new Error('no test infrastructure: run the suite with `npm test` (jest needs its globalSetup)');
  }
}

/**
 * A topic namespace of the test file's own within the run: its services and its TestKafka see
 * only its own messages, whatever other files published before it.
 */
export function isolatedNamespace(tag: string, infra = testInfra()): string {
  return `${infra.namespace}${tag}.`;
}

/** The environment a Tripline service needs to run against this test run's infrastructure. */
export function serviceEnv(namespace: string, infra = testInfra()): Record<string, string> {
  return {
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    DATABASE_URL: infra.databaseUrl,
    KAFKA_TOPIC_NAMESPACE: namespace,
    KAFKA_TOPIC_PARTITIONS: '3',
    LOG_LEVEL: 'error',
    LOG_FORMAT: 'text',
    TRIPLINE_SECRETS_KEY: TEST_SECRETS_KEY,
    // Test receivers listen on loopback, which production refuses (SSRF protection).
    TRIPLINE_CALLBACK_ALLOWLIST: '127.0.0.0/8,::1/128',
    DISPATCH_RETRY_SCHEDULE: '0,100ms,200ms',
    DISPATCH_RETRY_JITTER: '0',
    // Tests and the benchmark send many requests with one key; the test of the limits sets its own.
    GATEWAY_RATE_LIMIT: '1000000',
    INGEST_RATE_LIMIT: '1000000',
  };
}

/** The key that seals signing secrets in test runs (a production key comes from the operator). */
export const TEST_SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');

/**
 * The run's own database on the given server (named tripline_test, never the server's own
 * database, so a DATABASE_URL pointing at real data is not touched), emptied and migrated.
 * TRIPLINE_TEST_DATABASE names another (tripline_test_*), so two checkouts can run at once.
 */
async function freshDatabase(serverUrl: string): Promise<string> {
  const name = process.env.TRIPLINE_TEST_DATABASE ?? 'tripline_test';
  if (!/^tripline_test(_[a-z0-9]+)?$/.test(name)) throw new Error(`TRIPLINE_TEST_DATABASE must be tripline_test or tripline_test_<suffix>, not ${name}`);
  return migratedDatabase(serverUrl, name);
}

/**
 * A database of its own for one test file, beside the run's (named after it), emptied and
 * migrated: for a test that changes what every other test relies on, such as one that moves
 * the clock of a job that drops whole day partitions. Drop it with `dropDatabase`.
 */
export async function separateDatabase(tag: string, infra = testInfra()): Promise<string> {
  if (!/^[a-z0-9]+$/.test(tag)) throw new Error(`a separate database's tag must be [a-z0-9]+, not ${tag}`);
  return migratedDatabase(infra.databaseUrl, `${decodeURIComponent(new URL(infra.databaseUrl).pathname.slice(1))}_${tag}`);
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${decodeURIComponent(new URL(databaseUrl).pathname.slice(1))}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function migratedDatabase(serverUrl: string, name: string): Promise<string> {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const admin = new URL(serverUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/migrate.mjs')], {
    env: { ...process.env, DATABASE_URL: url.toString() },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return url.toString();
}

/** testcontainers' client as the choice asks of a runtime: does it answer, has it (or can it pull) an image. */
function testcontainersRuntime(): ContainerRuntime {
  let client: ContainerRuntimeClient | undefined;
  return {
    answers: async () => {
      const { getContainerRuntimeClient } = await import('testcontainers');
      try {
        client = await getContainerRuntimeClient();
        return true;
      } catch {
        return false;
      }
    },
    canGet: async (image) => {
      const { ImageName } = await import('testcontainers');
      const name = ImageName.fromString(image);
      if (!client) return false;
      if (await client.image.exists(name)) return true;
      try {
        await client.image.pull(name);
        return true;
      } catch {
        return false;
      }
    },
  };
}

async function startContainers(wanted: { kafka: boolean; postgres: boolean }): Promise<{ kafkaBrokers: string[]; databaseUrl: string; stop(): Promise<void> }> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const kafka = wanted.kafka ? await new KafkaContainer(KAFKA_IMAGE).withKraft().start() : null;
  const postgres = wanted.postgres ? await new PostgreSqlContainer(POSTGRES_IMAGE).start() : null;
  return {
    kafkaBrokers: kafka ? [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`] : [],
    databaseUrl: postgres?.getConnectionUri() ?? '',
    stop: async () => {
      await kafka?.stop();
      await postgres?.stop();
    },
  };
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
