import { Logger } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import { CallbackReceiver, isolatedNamespace, query, serviceEnv, subscriptionFixture } from '@tripline/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CallbackSender } from '../callbacks/callback-sender';
import { loadDispatcherEnv } from '../dispatcher.env';
import { DispatchEndpoints, type CallableEndpoint } from '../endpoints/dispatch-endpoints';
import { WebhookSigner } from '../signing/webhook-signer';
import { AttemptRecorder } from './attempt-recorder';
import { DeliveryAttempt } from './delivery-attempt';
import { DeliveryLog, type AttemptRecord, type ClaimedDelivery } from './delivery-log';
import { DeliveryPartitions } from './delivery-partitions';
import { DeliveryMetrics } from './delivery-metrics';
import { MetricsRegistry } from '@tripline/metrics';

const metricsOf = (prisma: PrismaService) => new DeliveryMetrics(new MetricsRegistry({ defaultMetrics: false }), prisma);

/** How attempts are written, against the real Postgres: what a batch does with a row it cannot write, that an attempt and its consequences are written together, and whose clock the times are. */
describe('recording attempts, against the real Postgres', () => {
  const env = loadDispatcherEnv({ ...serviceEnv(isolatedNamespace('attempt-recording')), DISPATCH_RETRY_SCHEDULE: '0,10m', DISPATCH_RETRY_JITTER: '0' });
  const tenantId = randomUUID();
  let prisma: PrismaService;
  let log: DeliveryLog;
  let endpoints: DispatchEndpoints;
  let recorder: AttemptRecorder;
  let receiver: CallbackReceiver;

  /** New deliveries, recorded already claimed, as the scheduler records those it starts at once. */
  async function claimed(count: number): Promise<ClaimedDelivery[]> {
    const subscriptionId = randomUUID();
    const deliveries = Array.from({ length: count }, () => ({
      id: randomUUID(),
      tenantId,
      subscriptionId,
      eventId: `evt-${randomUUID()}`,
      trigger: 'data-source-refresh-failed',
      body: '{"hello":"world"}',
    }));
    const opened = await log.open(deliveries, new Set(deliveries.map((d) => d.id)), 60_000);
    return opened.claimed;
  }

  const attempt = (delivery: ClaimedDelivery, result: Partial<AttemptRecord['result']>, next: Pick<AttemptRecord, 'finalStatus' | 'retryInMs'>): AttemptRecord => ({
    delivery,
    attemptNumber: 1,
    startedAt: performance.now(),
    result: { statusCode: 200, durationMs: 12, error: null, responseExcerpt: null, retryAfterMs: null, refused: false, ...result },
    healthChange: null,
    disableReason: null,
    ...next,
  });

  const rows = (ids: string[]) =>
    query<{ id: string; status: string; attempt_count: number; error: string | null; status_code: number | null; response_excerpt: Buffer | null }>(
      `SELECT d.id, d.status, d.attempt_count, a.error, a.status_code, a.response_excerpt
       FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id WHERE d.id = ANY($1::uuid[])`,
      [ids],
    );
  const dbNow = async () => (await query<{ now: Date }>('SELECT now() AS now'))[0].now.getTime();

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    prisma = new PrismaService(env.DATABASE_URL);
    await prisma.connect();
    endpoints = new DispatchEndpoints(prisma, env);
    log = new DeliveryLog(prisma, endpoints, new DeliveryPartitions(prisma));
    recorder = new AttemptRecorder(prisma);
    receiver = await new CallbackReceiver().start();
    receiver.respondWith(() => 503);
  });
  afterAll(async () => {
    await recorder?.onApplicationShutdown();
    await prisma?.$disconnect();
    await receiver?.stop();
  });

  it('records every attempt of a batch when one of its rows cannot be written as it is, that one without the details that failed it', async () => {
    const [first, unwritable, last] = await claimed(3);
    const excerpt = Buffer.from([0x6f, 0x6b, 0x00, 0xff]); // bytes, not text: stored as they are
    // Recorded together, so they share one statement; Postgres text cannot hold NUL.
    await Promise.all([
      recorder.record(attempt(first, { responseExcerpt: excerpt }, { finalStatus: 'delivered', retryInMs: null })),
      recorder.record(attempt(unwritable, { statusCode: null, error: 'HPE_INVALID_HEADER_TOKEN: bad header "x\u0000y"' }, { finalStatus: null, retryInMs: 600_000 })),
      recorder.record(attempt(last, { statusCode: 500 }, { finalStatus: null, retryInMs: 600_000 })),
    ]);

    const byId = new Map((await rows([first.id, unwritable.id, last.id])).map((r) => [r.id, r]));
    expect(byId.get(first.id)).toEqual({ id: first.id, status: 'delivered', attempt_count: 1, error: null, status_code: 200, response_excerpt: excerpt });
    expect(byId.get(last.id)).toMatchObject({ status: 'pending', attempt_count: 1, status_code: 500, error: null });
    expect(byId.get(unwritable.id)).toMatchObject({
      status: 'pending',
      attempt_count: 1,
      status_code: null,
      error: expect.stringMatching(/^the attempt's details could not be stored \(22021: invalid byte sequence/),
    });
  });

  /** The endpoint of the delivery's subscription, as the registry announced it: active, not failing. */
  async function endpointOf(delivery: ClaimedDelivery): Promise<CallableEndpoint> {
    const { subscription } = subscriptionFixture(tenantId, receiver.url('/down'), { id: delivery.subscriptionId });
    await endpoints.apply([subscription]);
    return { subscriptionId: delivery.subscriptionId, tenantId, callbackUrl: receiver.url('/down'), status: 'active', secrets: subscription.secrets, failingSince: null };
  }

  const recorded = async (delivery: ClaimedDelivery) => ({
    attempts: await query<{ status_code: number | null }>('SELECT status_code FROM delivery_attempts WHERE delivery_id = $1', [delivery.id]),
    delivery: (await query<{ status: string; attempt_count: number }>('SELECT status, attempt_count FROM deliveries WHERE id = $1', [delivery.id]))[0],
    endpoint: (await query<{ status: string; failing_since: Date | null }>('SELECT status, failing_since FROM dispatch_endpoints WHERE subscription_id = $1', [delivery.subscriptionId]))[0],
  });

  it('writes nothing of an attempt when its endpoint\'s health change cannot be written, and all of it once it can', async () => {
    const [delivery] = await claimed(1);
    const endpoint = await endpointOf(delivery);
    // A dispatcher whose statements give up on a lock after 500 ms (55P03, an outage), and a
    // transaction elsewhere holding the endpoint's row.
    const url = new URL(env.DATABASE_URL);
    url.searchParams.set('options', '-c lock_timeout=500');
    const impatient = new PrismaService(url.toString());
    const impatientRecorder = new AttemptRecorder(impatient);
    const holder = new Client({ connectionString: env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM dispatch_endpoints WHERE subscription_id = $1 FOR UPDATE', [delivery.subscriptionId]);
      const attempts = new DeliveryAttempt(new CallbackSender(env), new WebhookSigner(env), impatientRecorder, env, metricsOf(prisma));

      // The callback answers 503: the attempt is to be recorded, and the endpoint marked failing.
      await expect(attempts.run(delivery, endpoint)).rejects.toMatchObject({ code: '55P03' });
      expect(await recorded(delivery)).toEqual({ attempts: [], delivery: { status: 'pending', attempt_count: 0 }, endpoint: { status: 'active', failing_since: null } });
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
      await impatientRecorder.onApplicationShutdown();
      await impatient.$disconnect();
    }

    // Made again after the lease, as a new claim reads it: now every part is written.
    const attempts = new DeliveryAttempt(new CallbackSender(env), new WebhookSigner(env), recorder, env, metricsOf(prisma));
    await attempts.run(delivery, await endpointOf(delivery));
    expect(await recorded(delivery)).toEqual({
      attempts: [{ status_code: 503 }],
      delivery: { status: 'pending', attempt_count: 1 },
      endpoint: { status: 'active', failing_since: expect.any(Date) },
    });
  });

  it('applies an endpoint\'s health changes within one batch as if one after another', async () => {
    // Two endpoints (claimed() gives one call's deliveries one subscription), two attempts each, recorded together in this order.
    const [disabledFirst, recoveredThen] = await claimed(2);
    const [recovered, failingAgain] = await claimed(2);
    for (const d of [disabledFirst, recovered]) await endpointOf(d);
    await query("UPDATE dispatch_endpoints SET failing_since = now() - interval '1 day' WHERE subscription_id = ANY($1::uuid[])", [[disabledFirst.subscriptionId, recovered.subscriptionId]]);
    await Promise.all([
      recorder.record({ ...attempt(disabledFirst, { statusCode: 500 }, { finalStatus: 'failed', retryInMs: null }), healthChange: 'disabled', disableReason: 'callbacks failed for 1.0 days without a success (last: HTTP 500)' }),
      recorder.record({ ...attempt(recoveredThen, {}, { finalStatus: 'delivered', retryInMs: null }), healthChange: 'recovered' }),
      recorder.record({ ...attempt(recovered, {}, { finalStatus: 'delivered', retryInMs: null }), healthChange: 'recovered' }),
      recorder.record({ ...attempt(failingAgain, { statusCode: 500 }, { finalStatus: null, retryInMs: 600_000 }), healthChange: 'failing' }),
    ]);

    const endpointRow = async (subscriptionId: string) =>
      (await query<{ status: string; failing_since: Date | null; last_success_at: Date | null }>(
        'SELECT status, failing_since, last_success_at FROM dispatch_endpoints WHERE subscription_id = $1',
        [subscriptionId],
      ))[0];
    const anHourAgo = Date.now() - 3_600_000;
    // Disabled, then a success: it stays disabled (only the registry re-enables), and is no longer failing.
    expect(await endpointRow(disabledFirst.subscriptionId)).toMatchObject({ status: 'disabled', failing_since: null, last_success_at: expect.any(Date) });
    // A success, then a failure: failing again, since now, not since a day ago.
    const failing = await endpointRow(recovered.subscriptionId);
    expect(failing).toMatchObject({ status: 'active', last_success_at: expect.any(Date) });
    expect(failing.failing_since!.getTime()).toBeGreaterThan(anHourAgo);
  });

  it('times an attempt and its retry by the database\'s clock, not the dispatcher\'s', async () => {
    const [delivery] = await claimed(1);
    const { subscription } = subscriptionFixture(tenantId, receiver.url('/busy'));
    const endpoint: CallableEndpoint = { subscriptionId: delivery.subscriptionId, tenantId, callbackUrl: receiver.url('/busy'), status: 'active', secrets: subscription.secrets, failingSince: null };
    const attempts = new DeliveryAttempt(new CallbackSender(env), new WebhookSigner(env), recorder, env, metricsOf(prisma));

    const before = await dbNow();
    // This instance's clock runs an hour ahead of the database's.
    jest.useFakeTimers({ now: Date.now() + 3_600_000, doNotFake: NOT_THE_CLOCK });
    try {
      await attempts.run(delivery, endpoint);
    } finally {
      jest.useRealTimers();
    }
    const after = await dbNow();

    const [row] = await query<{ started_at: Date; next_attempt_at: Date }>(
      'SELECT a.started_at, d.next_attempt_at FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.id WHERE d.id = $1',
      [delivery.id],
    );
    // Within a second (the timestamps' rounding to ms, the round trips); the skew is an hour.
    expect(row.started_at.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(row.started_at.getTime()).toBeLessThanOrEqual(after + 1_000);
    expect(row.next_attempt_at.getTime()).toBeGreaterThanOrEqual(before + 600_000 - 1_000);
    expect(row.next_attempt_at.getTime()).toBeLessThanOrEqual(after + 600_000 + 1_000);
  });
});

/** Every timer API jest can fake but Date: only the wall clock is moved. */
const NOT_THE_CLOCK: Array<Exclude<FakeableAPI, 'Date'>> = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
];
