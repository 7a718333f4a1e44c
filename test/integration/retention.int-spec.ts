import { ALL_TOPICS, eventPartitionKey, type AcceptedEvent, type Subscription } from '@tripline/contracts';
import { KafkaConnection } from '@tripline/kafka';
import { PrismaService } from '@tripline/db';
import { dropDatabase, isolatedNamespace, query, segmentEvent, separateDatabase, serviceEnv, startInProcess, TestKafka, type RunningService } from '@tripline/testing';
import { randomUUID } from 'node:crypto';
import type { QueryResultRow } from 'pg';
import { loadDispatcherEnv } from '../../apps/dispatcher/src/dispatcher.env';
import { DeliveryPartitions } from '../../apps/dispatcher/src/deliveries/delivery-partitions';
import { DeliveryRetention } from '../../apps/dispatcher/src/retention/delivery-retention';
import { loadEvaluatorEnv } from '../../apps/evaluator/src/evaluator.env';
import { evaluatorModule } from '../../apps/evaluator/src/evaluator.module';
import { ObservationRetention } from '../../apps/evaluator/src/retention/observation-retention';
import { loadGatewayEnv } from '../../apps/gateway/src/gateway.env';
import { GatewayRetention } from '../../apps/gateway/src/retention/gateway-retention';

const DAY = 86_400_000;
const daysFrom = (start: Date, days: number) => new Date(start.getTime() + days * DAY + 60_000);

/**
 * Each owner's retention job, run once with its clock moved past each window (never waiting):
 * exactly what is past its window goes, everything else stays, and the threshold rule still
 * works on what is left.
 */
describe('retention, against the real Postgres (and Kafka for the evaluator)', () => {
  const namespace = isolatedNamespace('retention');
  let prisma: PrismaService;

  beforeAll(async () => {
    prisma = new PrismaService(serviceEnv(namespace).DATABASE_URL);
    await prisma.connect();
  });
  afterAll(async () => prisma?.$disconnect());

  describe('dispatcher: deliveries and their attempts, by day partitions', () => {
    // Its own database: moving the job's clock drops today's partition, which the other test
    // files of the run write to.
    let db: PrismaService;
    let databaseUrl: string;
    const tenant = randomUUID();
    const subscription = randomUUID();
    const env = () =>
      loadDispatcherEnv({ ...serviceEnv(namespace), DATABASE_URL: databaseUrl, RETENTION_DELIVERED_DAYS: '7', RETENTION_FAILED_DAYS: '30', RETENTION_BATCH_SIZE: '2', RETENTION_BATCH_PAUSE_MS: '0' });
    const ids = {
      delivered: randomUUID(),
      delivered2: randomUUID(),
      delivered3: randomUUID(),
      deliveredLate: randomUUID(),
      failed: randomUUID(),
      gone: randomUUID(),
      pending: randomUUID(),
      leased: randomUUID(),
      outboxed: randomUUID(),
    };

    beforeAll(async () => {
      databaseUrl = await separateDatabase('retention');
      db = new PrismaService(databaseUrl);
      await db.connect();
    });
    afterAll(async () => {
      await db?.$disconnect();
      if (databaseUrl) await dropDatabase(databaseUrl);
    });

    const sql = async <T extends object>(text: string, values: unknown[] = []) => (await db.pool.query<T & QueryResultRow>(text, values)).rows;
    async function insert(id: string, status: string, options: { completedAt?: Date | null; outcomePending?: boolean; lockedUntil?: Date } = {}) {
      const final = status !== 'pending';
      await sql(
        `INSERT INTO deliveries (id, tenant_id, subscription_id, event_id, trigger, body, status, attempt_count, next_attempt_at, completed_at, outcome_pending, locked_until)
         VALUES ($1, $2, $3, $4, 'data-source-refresh-failed', '{}', $5, 1, $6, $7, $8, $9)`,
        // A pending one is due in a year: no scheduler claims it meanwhile.
        [id, tenant, subscription, `evt-${id}`, status, final ? null : new Date(Date.now() + 365 * DAY), final ? (options.completedAt ?? new Date()) : null, options.outcomePending ?? false, options.lockedUntil ?? null],
      );
      await sql(`INSERT INTO delivery_attempts (delivery_id, attempt_number, started_at, duration_ms, log_day) SELECT id, 1, now(), 5, log_day FROM deliveries WHERE id = $1`, [id]);
    }
    const left = async () => (await sql<{ id: string }>('SELECT id FROM deliveries WHERE tenant_id = $1 ORDER BY id', [tenant])).map((r) => r.id);
    /** Each attempt with the day it is kept in, and whether that is its delivery's. */
    const attempts = async () =>
      sql<{ delivery_id: string; with_delivery: boolean }>(
        `SELECT a.delivery_id, EXISTS (SELECT 1 FROM deliveries d WHERE d.id = a.delivery_id AND d.log_day = a.log_day) AS with_delivery FROM delivery_attempts a ORDER BY a.delivery_id`,
      );
    const days = async () => new DeliveryPartitions(db).days();
    const dayAfter = (start: Date, n: number) => new Date(start.getTime() + n * DAY).toISOString().slice(0, 10);

    it('drops each day whole once past the delivered window, after moving out what must stay; the other final ones go row by row after theirs', async () => {
      const start = new Date();
      const today = start.toISOString().slice(0, 10);
      await insert(ids.delivered, 'delivered');
      await insert(ids.delivered2, 'delivered');
      await insert(ids.delivered3, 'delivered');
      // Recorded today, delivered five days later: kept by when it was delivered.
      await insert(ids.deliveredLate, 'delivered', { completedAt: new Date(start.getTime() + 5 * DAY) });
      await insert(ids.failed, 'failed');
      await insert(ids.gone, 'gone');
      await insert(ids.pending, 'pending');
      // Claimed by a dispatcher (a lease for an hour), and an outcome the outbox has not published: neither moves.
      await insert(ids.leased, 'pending', { lockedUntil: new Date(Date.now() + 3_600_000) });
      await insert(ids.outboxed, 'failed', { outcomePending: true });
      const job = new DeliveryRetention(db, new DeliveryPartitions(db), env());

      // Six days on: nothing is past any window; the days ahead exist.
      const six = await job.runOnce(daysFrom(start, 6));
      expect(six['day partitions dropped']).toBe(0);
      expect(await left()).toHaveLength(9);
      expect(await days()).toContain(dayAfter(start, 13));

      // Eight days on: today is past the delivered window. What must stay moves out of it (the
      // late one, the failed and gone ones, the pending one), but a leased delivery and an
      // unpublished outcome do not move, and hold the day back.
      const held = await job.runOnce(daysFrom(start, 8));
      expect(held['deliveries moved to a later day']).toBe(4);
      expect(held['day partitions dropped']).toBe(0);
      expect(await days()).toContain(today);
      expect(await left()).toHaveLength(9);

      // Once the lease has ended and the outbox has published, those two move too and the day
      // goes: the three delivered at once go with it; the rest is kept, each with its attempt.
      await sql(`UPDATE deliveries SET locked_until = NULL WHERE id = $1`, [ids.leased]);
      await sql(`UPDATE deliveries SET outcome_pending = false WHERE id = $1`, [ids.outboxed]);
      const eight = await job.runOnce(daysFrom(start, 8));
      expect(eight['day partitions dropped']).toBe(1);
      expect(eight['deliveries moved to a later day']).toBe(2);
      expect(await days()).not.toContain(today);
      expect(await left()).toEqual([ids.deliveredLate, ids.failed, ids.gone, ids.pending, ids.leased, ids.outboxed].sort());
      expect((await attempts()).map((a) => [a.delivery_id, a.with_delivery])).toEqual((await left()).map((id) => [id, true]));

      // Thirteen days on: eight days after it was delivered, the late one goes with the day it was moved to.
      await job.runOnce(daysFrom(start, 13));
      expect(await left()).not.toContain(ids.deliveredLate);

      // Thirty-one days on: the failed, gone and published ones are past their window; the pending ones stay, however old.
      const later = await job.runOnce(daysFrom(start, 31));
      expect(later['failed, gone and cancelled deliveries'] + later['deliveries moved to a later day']).toBeGreaterThan(0);
      expect(await left()).toEqual([ids.pending, ids.leased].sort());
      await job.runOnce(daysFrom(start, 3650));
      expect(await left()).toEqual([ids.pending, ids.leased].sort());
      expect((await attempts()).map((a) => [a.delivery_id, a.with_delivery])).toEqual((await left()).map((id) => [id, true]));
    });
  });

  describe('gateway: the read model run history', () => {
    const tenant = randomUUID();
    const env = loadGatewayEnv({ ...serviceEnv(namespace), TRIPLINE_ADMIN_TOKEN: 'retention-admin-token-0123456789', TRIPLINE_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'), RETENTION_RUNS_DAYS: '90' });

    it('deletes runs completed before the window, but each kind\'s latest', async () => {
      const start = new Date();
      const run = (kind: string, runId: string, completedAt: Date) =>
        query(
          `INSERT INTO refresh_runs (tenant_id, kind, run_id, status, started_at, completed_at, event_id) VALUES ($1, $2, $3, 'succeeded', $4, $4, $5)`,
          [tenant, kind, runId, completedAt, `evt-${runId}`],
        );
      await run('full', 'old-full', new Date(start.getTime() - 2 * DAY));
      await run('full', 'new-full', start);
      await run('unification', 'only-unification', new Date(start.getTime() - DAY));
      const job = new GatewayRetention(prisma, env);
      const runs = async () => (await query<{ run_id: string }>('SELECT run_id FROM refresh_runs WHERE tenant_id = $1 ORDER BY run_id', [tenant])).map((r) => r.run_id);

      await job.runOnce(daysFrom(start, 80));
      expect(await runs()).toEqual(['new-full', 'old-full', 'only-unification']);
      await job.runOnce(daysFrom(start, 91));
      // Each kind's latest stays however old: the actions answer "the latest full refresh" from it.
      expect(await runs()).toEqual(['new-full', 'only-unification']);
    });

    it('deletes console sessions past their end or idle for CONSOLE_SESSION_IDLE_MINUTES (60), and no live one', async () => {
      const start = new Date();
      const minutes = (n: number) => new Date(start.getTime() + n * 60_000);
      const session = (digest: string, lastSeenAt: Date, expiresAt: Date) =>
        query(
          `INSERT INTO console_sessions (digest, csrf_digest, kind, created_at, last_seen_at, expires_at) VALUES ($1, $1, 'operator', $2, $3, $4)`,
          [digest, minutes(-60), lastSeenAt, expiresAt],
        );
      const ids = { live: randomUUID(), idle: randomUUID(), ended: randomUUID() };
      await session(ids.live, start, minutes(12 * 60));
      await session(ids.idle, minutes(-30), minutes(12 * 60));
      await session(ids.ended, minutes(20), minutes(30));
      const job = new GatewayRetention(prisma, env);
      const left = async () =>
        (await query<{ digest: string }>('SELECT digest FROM console_sessions WHERE digest = ANY($1) ORDER BY digest', [Object.values(ids)])).map((r) => r.digest);

      await job.runOnce(minutes(29));
      expect(await left()).toEqual(Object.values(ids).sort());
      const counts = await job.runOnce(minutes(31));
      expect(counts).toMatchObject({ 'expired console sessions': expect.any(Number), 'idle console sessions': expect.any(Number) });
      expect(await left()).toEqual([ids.live]);
      await job.runOnce(minutes(60));
      expect(await left()).toEqual([]);
    });
  });

  describe('gateway: stored dead letters', () => {
    const env = loadGatewayEnv({
      ...serviceEnv(namespace),
      TRIPLINE_ADMIN_TOKEN: 'retention-admin-token-0123456789',
      TRIPLINE_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
      RETENTION_DEAD_LETTERS_DAYS: '14',
    });

    it('deletes dead letters that failed more than RETENTION_DEAD_LETTERS_DAYS (14) before the clock, and no younger one', async () => {
      // Years back, so that moving the clock reaches no dead letter another test file stores meanwhile.
      const start = new Date(Date.now() - 3 * 365 * DAY);
      const letter = (failedDaysBefore: number) => {
        const id = randomUUID();
        return query(
          `INSERT INTO dead_letters (id, letter_topic, letter_partition, letter_offset, reason, source_topic, source_partition, source_offset, consumer_group, payload, payload_bytes, payload_truncated, failed_at)
           VALUES ($1, $2, 0, 0, 'value is not JSON', 'tripline.ingest.v1', 0, 0, 'tripline-ingestion.ingest', '\\x00ff', 2, false, $3) RETURNING id`,
          [id, `retention-${id}`, new Date(start.getTime() - failedDaysBefore * DAY)],
        ).then(() => id);
      };
      const ids = { old: await letter(20), edge: await letter(13), young: await letter(1) };
      const job = new GatewayRetention(prisma, env);
      const left = async () => (await query<{ id: string }>('SELECT id FROM dead_letters WHERE id = ANY($1) ORDER BY id', [Object.values(ids)])).map((r) => r.id);

      const counts = await job.runOnce(start);
      expect(counts['dead letters']).toBeGreaterThanOrEqual(1);
      expect(await left()).toEqual([ids.edge, ids.young].sort());
      // 14 days less a minute after the edge one failed: it stays; a minute past 14 days: it goes.
      await job.runOnce(new Date(start.getTime() + DAY - 60_000));
      expect(await left()).toEqual([ids.edge, ids.young].sort());
      await job.runOnce(daysFrom(start, 1));
      expect(await left()).toEqual([ids.young]);
      await job.runOnce(daysFrom(start, 13));
      expect(await left()).toEqual([]);
    });
  });

  describe('evaluator: observations', () => {
    const tenant = randomUUID();
    let service: RunningService;
    let kafka: TestKafka;
    const subscription: Subscription = {
      id: randomUUID(),
      tenantId: tenant,
      trigger: 'segment-threshold-crossed',
      sealedCallbackUrl: 'v1.aXY.dGFn.c2VhbGVk',
      redactedCallbackUrl: 'https://flows.example.test/segment?sig=REDACTED',
      params: { segmentId: 'seg-r', threshold: 100 },
      status: 'active',
      disabledReason: null,
      secrets: [],
      handshake: false,
      version: 1,
      createdAt: '2026-11-26T00:00:00.000Z',
      updatedAt: '2026-11-26T00:00:00.000Z',
    };
    const accepted = (e: ReturnType<typeof segmentEvent>): AcceptedEvent => ({ ...e, tenantId: tenant, receivedAt: new Date().toISOString(), source: 'http' });

    async function evaluate(...events: AcceptedEvent[]) {
      await kafka.publish('events', events.map((e) => ({ key: eventPartitionKey(e), value: e })));
      await kafka.waitForGroup(kafka.groupId('tripline-evaluator', 'events'), 'events');
      const ids = new Set(events.map((e) => e.id));
      return (await kafka.readValues('deliveries')).filter((d) => ids.has(d.eventId));
    }

    beforeAll(async () => {
      service = await startInProcess('evaluator', namespace, loadEvaluatorEnv, evaluatorModule, { RETENTION_OBSERVATIONS_DAYS: '14' });
      kafka = new TestKafka(namespace);
      await kafka.publish('subscriptionChanges', [{ key: subscription.id, value: { change: 'created', subscription } }]);
    });
    afterAll(async () => {
      await kafka?.close();
      await service?.close();
    });

    it("deletes observations past the window but each entity's latest, and the threshold rule goes on from the state", async () => {
      const start = new Date();
      const below = accepted(segmentEvent('seg-r', 80, 0));
      const above = accepted(segmentEvent('seg-r', 120, 1));
      const down = accepted(segmentEvent('seg-r', 90, 2));
      expect(await evaluate(below, above, down)).toHaveLength(1);
      const observations = async () =>
        (await query<{ event_id: string }>('SELECT event_id FROM entity_observations WHERE tenant_id = $1 ORDER BY occurred_at', [tenant])).map((r) => r.event_id);
      const evaluations = async () =>
        query<{ event_id: string; observation: string; fired: string[] }>('SELECT event_id, observation, fired FROM event_evaluations WHERE tenant_id = $1 ORDER BY occurred_at', [tenant]);
      expect(await observations()).toEqual([below.id, above.id, down.id]);
      expect(await evaluations()).toEqual([
        { event_id: below.id, observation: 'first', fired: [] },
        { event_id: above.id, observation: 'applied', fired: [subscription.id] },
        { event_id: down.id, observation: 'applied', fired: [] },
      ]);
      const job = service.app.get(ObservationRetention);

      const thirteen = await job.runOnce(daysFrom(start, 13));
      expect(await observations()).toHaveLength(3);
      expect(await evaluations()).toHaveLength(3);
      expect(thirteen['event evaluations']).toBe(0);
      const fifteen = await job.runOnce(daysFrom(start, 15));
      // The latest (the one the state names) stays; the state itself is never deleted.
      expect(await observations()).toEqual([down.id]);
      expect(await query('SELECT last_event_id, last_value FROM entity_states WHERE tenant_id = $1', [tenant])).toEqual([{ last_event_id: down.id, last_value: 90 }]);
      // Evaluations go whole: nothing needs an old one (the crossing rule reads the state).
      expect(await evaluations()).toEqual([]);
      expect(fifteen['event evaluations']).toBeGreaterThanOrEqual(3);

      // A redelivered event whose observation is gone is stale against the state: nothing fires
      // again (the topic holds the one delivery its first pass emitted), and its new record says why.
      expect(await evaluate(above)).toHaveLength(1);
      expect(await evaluations()).toEqual([{ event_id: above.id, observation: 'stale', fired: [] }]);
      // The next real crossing fires from the state: 90 → 130.
      const again = accepted(segmentEvent('seg-r', 130, 3));
      const fired = await evaluate(again);
      expect(fired).toHaveLength(1);
      expect(JSON.parse(fired[0].body)).toMatchObject({ previousValue: 90, newValue: 130 });
      expect((await evaluations()).find((e) => e.event_id === again.id)).toEqual({ event_id: again.id, observation: 'applied', fired: [subscription.id] });
    });

    it("sets the dead letters' retention.ms when it creates the topic, and updates it when it differs", async () => {
      // The evaluator created this namespace's topics with the default, 14 days.
      expect(await kafka.topicConfig('deadLetters', 'retention.ms')).toBe(String(14 * DAY));
      // Another service booting with another setting updates it.
      const other = new KafkaConnection({ clientId: 'retention-test', brokers: serviceEnv(namespace).KAFKA_BROKERS.split(','), namespace, topicPartitions: 1, deadLetterRetentionMs: 3 * DAY });
      try {
        await other.ensureTopics(ALL_TOPICS);
      } finally {
        await other.onApplicationShutdown();
      }
      expect(await kafka.topicConfig('deadLetters', 'retention.ms')).toBe(String(3 * DAY));
      // The other topics keep the broker's default.
      expect(await kafka.topicConfig('events', 'retention.ms')).not.toBe(String(3 * DAY));
    });
  });
});
