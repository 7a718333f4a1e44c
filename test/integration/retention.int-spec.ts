import { ALL_TOPICS, eventPartitionKey, type AcceptedEvent, type Subscription } from '@tripline/contracts';
import { KafkaConnection } from '@tripline/kafka';
import { PrismaService } from '@tripline/db';
import { isolatedNamespace, query, segmentEvent, serviceEnv, startInProcess, TestKafka, type RunningService } from '@tripline/testing';
import { randomUUID } from 'node:crypto';
import { loadDispatcherEnv } from '../../apps/dispatcher/src/dispatcher.env';
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

  describe('dispatcher: deliveries and their attempts', () => {
    const tenant = randomUUID();
    const subscription = randomUUID();
    const env = loadDispatcherEnv({ ...serviceEnv(namespace), RETENTION_DELIVERED_DAYS: '7', RETENTION_FAILED_DAYS: '30', RETENTION_BATCH_SIZE: '2', RETENTION_BATCH_PAUSE_MS: '0' });
    const ids = { delivered: randomUUID(), delivered2: randomUUID(), delivered3: randomUUID(), failed: randomUUID(), gone: randomUUID(), pending: randomUUID(), outboxed: randomUUID() };

    async function insert(id: string, status: string, final: boolean, outcomePending = false) {
      await query(
        `INSERT INTO deliveries (id, tenant_id, subscription_id, event_id, trigger, body, status, attempt_count, next_attempt_at, completed_at, outcome_pending)
         VALUES ($1, $2, $3, $4, 'data-source-refresh-failed', '{}', $5, 1, $6, $7, $8)`,
        // A pending one is due in a year: no scheduler claims it meanwhile.
        [id, tenant, subscription, `evt-${id}`, status, final ? null : new Date(Date.now() + 365 * DAY), final ? new Date() : null, outcomePending],
      );
      await query(`INSERT INTO delivery_attempts (delivery_id, attempt_number, started_at, duration_ms) VALUES ($1, 1, now(), 5)`, [id]);
    }
    const left = async () =>
      (await query<{ id: string }>('SELECT id FROM deliveries WHERE tenant_id = $1 ORDER BY id', [tenant])).map((r) => r.id);
    const attemptsLeft = async () =>
      (await query<{ n: number }>('SELECT count(*)::int AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.tenant_id = $1', [tenant]))[0].n;
    const orphanAttempts = async (deliveryIds: string[]) =>
      (await query<{ n: number }>('SELECT count(*)::int AS n FROM delivery_attempts WHERE delivery_id = ANY($1::uuid[])', [deliveryIds]))[0].n;

    it('deletes delivered ones after their window, the other final ones after theirs, never a pending one nor one the outbox holds', async () => {
      const start = new Date();
      await insert(ids.delivered, 'delivered', true);
      await insert(ids.delivered2, 'delivered', true);
      await insert(ids.delivered3, 'delivered', true);
      await insert(ids.failed, 'failed', true);
      await insert(ids.gone, 'gone', true);
      await insert(ids.pending, 'pending', false);
      await insert(ids.outboxed, 'failed', true, true);
      const job = new DeliveryRetention(prisma, env);

      // Six days on: nothing is past any window.
      await job.runOnce(daysFrom(start, 6));
      expect(await left()).toHaveLength(7);

      // Eight days on: the three delivered ones go (in batches of two), with their attempts.
      const eight = await job.runOnce(daysFrom(start, 8));
      expect(eight['delivered deliveries']).toBeGreaterThanOrEqual(3);
      expect(await left()).toEqual([ids.failed, ids.gone, ids.pending, ids.outboxed].sort());
      expect(await orphanAttempts([ids.delivered, ids.delivered2, ids.delivered3])).toBe(0);
      expect(await attemptsLeft()).toBe(4);

      // Thirty-one days on: failed and gone go; the pending one and the one whose outcome is
      // still to be published stay, however old.
      await job.runOnce(daysFrom(start, 31));
      expect(await left()).toEqual([ids.pending, ids.outboxed].sort());
      await job.runOnce(daysFrom(start, 3650));
      expect(await left()).toEqual([ids.pending, ids.outboxed].sort());
      expect(await attemptsLeft()).toBe(2);
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
      expect(await observations()).toEqual([below.id, above.id, down.id]);
      const job = service.app.get(ObservationRetention);

      await job.runOnce(daysFrom(start, 13));
      expect(await observations()).toHaveLength(3);
      await job.runOnce(daysFrom(start, 15));
      // The latest (the one the state names) stays; the state itself is never deleted.
      expect(await observations()).toEqual([down.id]);
      expect(await query('SELECT last_event_id, last_value FROM entity_states WHERE tenant_id = $1', [tenant])).toEqual([{ last_event_id: down.id, last_value: 90 }]);

      // A redelivered event whose observation is gone is stale against the state: nothing fires
      // again (the topic holds the one delivery its first pass emitted).
      expect(await evaluate(above)).toHaveLength(1);
      // The next real crossing fires from the state: 90 → 130.
      const again = accepted(segmentEvent('seg-r', 130, 3));
      const fired = await evaluate(again);
      expect(fired).toHaveLength(1);
      expect(fired[0].payload).toMatchObject({ previousValue: 90, newValue: 130 });
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
