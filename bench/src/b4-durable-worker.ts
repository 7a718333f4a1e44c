import { Kafka, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { Pool as PgPool } from 'pg';
import { Pool } from 'undici';
import { Semaphore } from './semaphore';
import { signedPost } from './signed-post';

/**
 * B4, the durable baseline (a child process of the bench, so that its CPU is its own): the
 * least work at-least-once delivery with a durable retry record can do, in minimal code. A
 * kafkajs `eachBatch` consumer over delivery requests; per batch one multi-row
 * `INSERT ... ON CONFLICT DO NOTHING` of the delivery rows, then the offset commit; each request
 * HMAC-signed and POSTed (undici, B4_IN_FLIGHT at a time); every few milliseconds one statement
 * that records the attempts and marks the deliveries done. What it leaves out, Tripline does:
 * validation, tenants' fair shares, endpoints' limits, retries, outcomes, traces, metrics.
 */
const env = (name: string) => process.env[name] ?? fail(`${name} is required`);
const SCHEMA = 'bench_b4';
const RECORD_EVERY_MS = 5;

async function main(): Promise<void> {
  const db = new PgPool({ connectionString: env('B4_DATABASE_URL'), max: 4 });
  await db.query(`
    CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
    CREATE TABLE IF NOT EXISTS ${SCHEMA}.deliveries (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, subscription_id uuid NOT NULL,
      body text NOT NULL, status text NOT NULL DEFAULT 'pending', attempt_count int NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(), completed_at timestamptz);
    CREATE TABLE IF NOT EXISTS ${SCHEMA}.attempts (delivery_id uuid NOT NULL, attempt_number int NOT NULL, status_code int,
      duration_ms int NOT NULL, started_at timestamptz NOT NULL, PRIMARY KEY (delivery_id, attempt_number));`);

  const receiver = new Pool(env('B4_RECEIVER_URL'), { connections: Number(env('B4_IN_FLIGHT')) });
  const slots = new Semaphore(Number(env('B4_IN_FLIGHT')));
  const key = randomBytes(32);
  let results: Array<{ id: string; statusCode: number; durationMs: number; startedAt: Date }> = [];

  const recorder = setInterval(() => {
    if (results.length === 0) return;
    const batch = results;
    results = [];
    void db.query(
      `WITH r AS (SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::timestamptz[]) AS r(id, status_code, duration_ms, started_at)),
        a AS (INSERT INTO ${SCHEMA}.attempts SELECT id, 1, status_code, duration_ms, started_at FROM r ON CONFLICT DO NOTHING)
      UPDATE ${SCHEMA}.deliveries d SET status = CASE WHEN r.status_code BETWEEN 200 AND 299 THEN 'delivered' ELSE 'failed' END,
        attempt_count = 1, completed_at = now() FROM r WHERE d.id = r.id`,
      [batch.map((r) => r.id), batch.map((r) => r.statusCode), batch.map((r) => r.durationMs), batch.map((r) => r.startedAt)],
    ).catch(die);
  }, RECORD_EVERY_MS);

  const post = async (id: string, body: string) => {
    const startedAt = new Date();
    const started = performance.now();
    try {
      const statusCode = await signedPost(receiver, '/b4', key, id, body);
      results.push({ id, statusCode, durationMs: Math.round(performance.now() - started), startedAt });
    } finally {
      slots.release();
    }
  };

  const kafka = new Kafka({ clientId: 'bench-b4', brokers: env('B4_BROKERS').split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: env('B4_GROUP'), maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: env('B4_TOPIC'), fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: 6,
    eachBatch: async ({ batch }) => {
      const requests = batch.messages.map((m) => JSON.parse(m.value!.toString()) as { deliveryId: string; tenantId: string; subscriptionId: string; body: string });
      const bodies = requests.map((r) => r.body);
      await db.query(
        `INSERT INTO ${SCHEMA}.deliveries (id, tenant_id, subscription_id, body) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[]) ON CONFLICT DO NOTHING`,
        [requests.map((r) => r.deliveryId), requests.map((r) => r.tenantId), requests.map((r) => r.subscriptionId), bodies],
      );
      // Durable now: the batch's offsets are committed when this returns (kafkajs' autoCommit).
      for (let i = 0; i < requests.length; i++) {
        await slots.acquire();
        void post(requests[i].deliveryId, bodies[i]);
      }
    },
  });
  process.send?.('ready');

  process.on('SIGTERM', () => {
    void (async () => {
      await consumer.disconnect();
      clearInterval(recorder);
      await receiver.close();
      await db.end();
      process.exit(0);
    })();
  });
}

function die(error: unknown): never {
  console.error(`[bench b4] ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
}

function fail(message: string): never {
  throw new Error(message);
}

main().catch(die);
