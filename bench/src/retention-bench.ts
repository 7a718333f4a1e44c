import 'reflect-metadata';
import { provisionInfra, query, REPO_ROOT, startStack } from '@tripline/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { BenchReceiver } from './bench-receiver';
import { describeMachine } from './machine';
import { until } from './stats';
import { TriplineBench } from './tripline-bench';

/**
 * `npm run bench:retention`: does the dispatcher's retention job slow the delivery path while
 * it deletes a large backlog? A backlog of BACKLOG_DELIVERIES deliveries of 31 days ago, 4
 * attempts each, is committed (see `seed`); the delivery path (saturation, then latency at 500
 * events/s) is measured with the dispatcher's job running every second but not deleting (a
 * 10-year window), then with the default 7-day window while the job deletes the backlog.
 * Twice, interleaved. RETENTION_BATCH_SIZE and RETENTION_BATCH_PAUSE_MS as this process's
 * environment sets them, else the defaults. Results: bench/results/retention-<date>.json.
 */
const BACKLOG_DELIVERIES = Number(process.env.BACKLOG_DELIVERIES ?? 250_000);
const ATTEMPTS_EACH = 4;
const SATURATION_EVENTS = 10_000;
const LATENCY_SECONDS = 10;

async function main(): Promise<void> {
  const log = (msg: string) => process.stderr.write(`[bench:retention] ${msg}\n`);
  const { infra, stop } = await provisionInfra(log);
  const receiver = await new BenchReceiver().start();
  const stack = await startStack('bench-retention', {
    LOG_LEVEL: 'error',
    DISPATCH_ENDPOINT_RATE: '100000',
    DISPATCH_ENDPOINT_CONCURRENCY: '200',
    DISPATCH_CONCURRENCY: '400',
    DISPATCH_TENANT_CONCURRENCY: '400',
    DISPATCH_RETRY_SCHEDULE: '0,1s,5s',
    RETENTION_INTERVAL_MS: '1000',
    ...(process.env.RETENTION_BATCH_SIZE ? { RETENTION_BATCH_SIZE: process.env.RETENTION_BATCH_SIZE } : {}),
    ...(process.env.RETENTION_BATCH_PAUSE_MS ? { RETENTION_BATCH_PAUSE_MS: process.env.RETENTION_BATCH_PAUSE_MS } : {}),
  });
  const bench = new TriplineBench(stack, receiver);
  const sources = Array.from({ length: 20 }, (_, i) => `ds-${i}`);
  await bench.subscribe(sources);
  await bench.saturation(sources, 2_000); // warm-up

  const backlogLeft = async () => (await query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE tenant_id = $1 AND status = 'delivered'`, [BACKLOG_TENANT]))[0].n;

  async function measure(label: string) {
    const saturation = await bench.saturation(sources, SATURATION_EVENTS);
    const rate = 500;
    const latency = await bench.latencyAt(sources, rate, LATENCY_SECONDS);
    const result = { label, saturationEventsPerSecond: saturation.eventsPerSecond, latencyRate: rate, p50: latency.p50, p95: latency.p95, p99: latency.p99, dispatcherHop: latency.hops.dispatcherToReceiver };
    log(JSON.stringify(result));
    return result;
  }

  const runs = [];
  /** The dispatcher again, with a retention window of `days` for delivered deliveries, warmed up. */
  async function dispatcherWith(days: number) {
    process.env.RETENTION_DELIVERED_DAYS = String(days);
    await stack.services.stop('dispatcher');
    await stack.services.start('dispatcher');
    await bench.saturation(sources, 2_000);
  }
  for (const round of [1, 2]) {
    // The backlog is committed while the dispatcher's job would not delete it (a window of 10
    // years), and vacuumed: the control measures the delivery path with the backlog in the
    // tables and the job running, after the seeding's own I/O is done.
    await dispatcherWith(3650);
    log(`seeding ${BACKLOG_DELIVERIES} deliveries with ${BACKLOG_DELIVERIES * ATTEMPTS_EACH} attempts...`);
    const seedStarted = Date.now();
    await seed(infra.databaseUrl, BACKLOG_DELIVERIES);
    await sql(infra.databaseUrl, 'VACUUM ANALYZE deliveries', 'VACUUM ANALYZE delivery_attempts');
    log(`seeded in ${Math.round((Date.now() - seedStarted) / 1000)} s`);
    await dispatcherWith(3650);
    runs.push({ ...(await measure(`round ${round}: backlog present, not deletable`)), deleting: false });
    // The same dispatcher with the default window: its job takes the backlog within a second.
    await dispatcherWith(7);
    const seededAt = Date.now();
    let drainedAt = 0;
    const drained = until(async () => (await backlogLeft()) === 0, 1_800_000, 'backlog deleted').then(() => (drainedAt = Date.now()));
    const during = await measure(`round ${round}: retention deleting the backlog`);
    const measuredAt = Date.now();
    const leftWhenMeasured = await backlogLeft();
    await drained;
    runs.push({
      ...during,
      deleting: true,
      backlogLeftWhenMeasurementEnded: leftWhenMeasured,
      measurementSeconds: Math.round((measuredAt - seededAt) / 1000),
      deletionSeconds: Math.round((drainedAt - seededAt) / 1000),
      attemptsDeletedPerSecond: Math.round((BACKLOG_DELIVERIES * ATTEMPTS_EACH) / ((drainedAt - seededAt) / 1000)),
    });
  }
  await stack.stop();
  await receiver.stop();
  const machine = await describeMachine(infra);
  await stop();
  const settings = { RETENTION_BATCH_SIZE: process.env.RETENTION_BATCH_SIZE ?? 'default', RETENTION_BATCH_PAUSE_MS: process.env.RETENTION_BATCH_PAUSE_MS ?? 'default' };
  const result = { date: new Date().toISOString(), machine, settings, backlog: { deliveries: BACKLOG_DELIVERIES, attempts: BACKLOG_DELIVERIES * ATTEMPTS_EACH }, runs };
  const dir = path.join(REPO_ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `retention-${result.date.slice(0, 19).replace(/:/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  for (const r of runs) {
    process.stdout.write(
      `${r.label.padEnd(50)} ${String(r.saturationEventsPerSecond).padStart(6)} events/s  latency at ${r.latencyRate}/s p50 ${r.p50} p95 ${r.p95} p99 ${r.p99} ms` +
        ('deletionSeconds' in r ? `  (backlog deleted in ${r.deletionSeconds} s, ${r.attemptsDeletedPerSecond} attempts/s; ${r.backlogLeftWhenMeasurementEnded} deliveries left when the measurement ended)` : '') +
        '\n',
    );
  }
  log(`written ${path.relative(REPO_ROOT, file)}`);
}

const BACKLOG_TENANT = '00000000-0000-4000-8000-00000000bac0';

/**
 * The backlog in one transaction (the job sees all of it at once, at commit), in the day
 * partitions of 31 days ago, where a dispatcher running since then would have recorded it.
 * One in a hundred failed, and within the failed window: those move out of the day before
 * it is dropped.
 */
async function seed(databaseUrl: string, deliveries: number): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ day: string; next: string }>(
      `SELECT ((now() AT TIME ZONE 'UTC')::date - 31)::text AS day, ((now() AT TIME ZONE 'UTC')::date - 30)::text AS next`,
    );
    const { day, next } = rows[0];
    await client.query('BEGIN');
    for (const table of ['deliveries', 'delivery_attempts']) {
      await client.query(`CREATE TABLE IF NOT EXISTS "${table}_${day.replaceAll('-', '')}" PARTITION OF "${table}" FOR VALUES FROM ('${day}') TO ('${next}')`);
    }
    await client.query(
      `INSERT INTO deliveries (id, tenant_id, subscription_id, event_id, trigger, body, status, attempt_count, created_at, completed_at, log_day)
       SELECT gen_random_uuid(), $1, '00000000-0000-4000-8000-00000000bac1', 'evt-backlog-' || n, 'data-source-refresh-failed',
         repeat('x', 400), CASE WHEN n % 100 = 0 THEN 'failed' ELSE 'delivered' END, $3, $4::date + interval '1 hour',
         CASE WHEN n % 100 = 0 THEN now() - interval '20 days' ELSE $4::date + interval '2 hours' END, $4::date
       FROM generate_series(1, $2) AS n`,
      [BACKLOG_TENANT, deliveries, ATTEMPTS_EACH, day],
    );
    await client.query(
      `INSERT INTO delivery_attempts (delivery_id, attempt_number, started_at, status_code, duration_ms, response_excerpt, log_day)
       SELECT d.id, a, d.created_at, CASE WHEN a = $2 THEN 200 ELSE 503 END, 20, '\\x6f6b'::bytea, d.log_day
       FROM deliveries d CROSS JOIN generate_series(1, $2) AS a WHERE d.tenant_id = $1 AND d.log_day = $3::date`,
      [BACKLOG_TENANT, ATTEMPTS_EACH, day],
    );
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

async function sql(databaseUrl: string, ...statements: string[]): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
