import { Logger } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import { CallbackReceiver, isolatedNamespace, query, serviceEnv, subscriptionFixture } from '@tripline/testing';
import { randomUUID } from 'node:crypto';
import { CallbackSender } from '../callbacks/callback-sender';
import { loadDispatcherEnv } from '../dispatcher.env';
import { DispatchEndpoints, type CallableEndpoint } from '../endpoints/dispatch-endpoints';
import { WebhookSigner } from '../signing/webhook-signer';
import { AttemptRecorder } from './attempt-recorder';
import { DeliveryAttempt } from './delivery-attempt';
import { DeliveryLog, type AttemptRecord, type ClaimedDelivery } from './delivery-log';

/** How attempts are written, against the real Postgres: what a batch does with a row it cannot write, and whose clock the times are. */
describe('recording attempts, against the real Postgres', () => {
  const env = loadDispatcherEnv({ ...serviceEnv(isolatedNamespace('attempt-recording')), DISPATCH_RETRY_SCHEDULE: '0,10m', DISPATCH_RETRY_JITTER: '0' });
  const tenantId = randomUUID();
  let prisma: PrismaService;
  let log: DeliveryLog;
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
      payload: { hello: 'world' },
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
    log = new DeliveryLog(prisma, new DispatchEndpoints(prisma, env));
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

  it('times an attempt and its retry by the database\'s clock, not the dispatcher\'s', async () => {
    const [delivery] = await claimed(1);
    const { subscription } = subscriptionFixture(tenantId, receiver.url('/busy'));
    const endpoint: CallableEndpoint = { subscriptionId: delivery.subscriptionId, tenantId, callbackUrl: receiver.url('/busy'), status: 'active', secrets: subscription.secrets, failingSince: null };
    const attempts = new DeliveryAttempt(new CallbackSender(env), new WebhookSigner(env), log, recorder, env);

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
