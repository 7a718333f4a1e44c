import type { Subscription } from '@tripline/contracts';
import { CallbackReceiver, deliveryRequestFixture, isolatedNamespace, query, startInProcess, subscriptionFixture, TestKafka, type RunningService } from '@tripline/testing';
import { randomUUID } from 'node:crypto';
import { loadDispatcherEnv } from '../dispatcher.env';
import { dispatcherModule } from '../dispatcher.module';

/**
 * A new delivery's first attempt is made before the delivery is recorded, against the real
 * Kafka and Postgres: one answered in time is written once, with its outcome; one still in
 * flight after DISPATCH_RECORD_AFTER is recorded pending and leased. Either way the request's
 * offset is committed only once the delivery is durable, so a crash before that leaves the
 * request on Kafka to be handled, and called back, again; the consumer goes on with the next
 * requests meanwhile.
 */
describe.each([
  { recordAfter: '10s', answered: 'in time' },
  { recordAfter: '300ms', answered: 'late' },
])('a first attempt answered $answered (DISPATCH_RECORD_AFTER $recordAfter), against the real Kafka and Postgres', ({ recordAfter, answered }) => {
  const namespace = isolatedNamespace(`first-attempts-${answered.replace(' ', '-')}`);
  const tenant = randomUUID();
  let service: RunningService;
  let kafka: TestKafka;
  let receiver: CallbackReceiver;
  const held: Array<() => void> = [];
  const group = () => kafka.groupId('tripline-dispatcher', 'deliveries');

  const rows = (id: string) =>
    query<{ status: string; attempt_count: number; leased: boolean; attempts: number; last_status_code: number | null }>(
      `SELECT d.status, d.attempt_count, d.locked_until > now() AS leased, d.last_status_code,
         (SELECT count(*)::int FROM delivery_attempts a WHERE a.delivery_id = d.id) AS attempts
       FROM deliveries d WHERE d.id = $1`,
      [id],
    );
  async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`${what}: not within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    receiver = await new CallbackReceiver().start();
    receiver.respondWith((c) => {
      if (c.path === '/held') return new Promise<number>((resolve) => held.push(() => resolve(200)));
      return c.path === '/failing' ? 503 : 200;
    });
    service = await startInProcess('dispatcher', namespace, loadDispatcherEnv, dispatcherModule, {
      DISPATCH_RECORD_AFTER: recordAfter,
      DISPATCH_TIMEOUT: '60s',
      // A failed attempt's retry stays on the schedule while the test looks at it.
      DISPATCH_RETRY_SCHEDULE: '0,1h',
    });
    kafka = new TestKafka(namespace);
  });
  afterAll(async () => {
    for (const release of held.splice(0)) release();
    await kafka?.close();
    await service?.close();
    await receiver?.stop();
  });

  async function endpoint(path: string): Promise<Subscription> {
    const { subscription } = subscriptionFixture(tenant, receiver.url(path));
    await kafka.publish('subscriptionChanges', [{ key: subscription.id, value: { change: 'created', subscription } }]);
    await kafka.waitForGroup(kafka.groupId('tripline-dispatcher', 'endpoints'), 'subscriptionChanges');
    return subscription;
  }

  it('commits the request on Kafka only once its delivery is durable, and calls back once', async () => {
    const subscription = await endpoint('/held');
    const request = deliveryRequestFixture(tenant, subscription.id);
    await kafka.publish('deliveries', [{ key: subscription.id, value: request }]);
    await receiver.waitFor((got) => got.some((c) => c.headers['webhook-id'] === request.deliveryId));

    if (answered === 'in time') {
      // Called back, and nothing written yet: a crash now would leave the request to be consumed again.
      expect(await rows(request.deliveryId)).toEqual([]);
      expect(await kafka.uncommitted(group(), 'deliveries')).toBe(1);
    } else {
      // Still in flight after DISPATCH_RECORD_AFTER: recorded pending and leased to this instance, and committed.
      await until('the pending row', async () => (await rows(request.deliveryId)).find((r) => r.status === 'pending'));
      expect(await rows(request.deliveryId)).toEqual([{ status: 'pending', attempt_count: 0, leased: true, attempts: 0, last_status_code: null }]);
      await kafka.waitForGroup(group(), 'deliveries');
    }

    held.shift()!();
    await until('the delivered row', async () => (await rows(request.deliveryId)).find((r) => r.status === 'delivered'));
    expect(await rows(request.deliveryId)).toEqual([{ status: 'delivered', attempt_count: 1, leased: null, attempts: 1, last_status_code: 200 }]);
    await kafka.waitForGroup(group(), 'deliveries');
    expect(receiver.received.filter((c) => c.headers['webhook-id'] === request.deliveryId)).toHaveLength(1);
  });

  if (answered === 'in time') {
    it('calls back the next request of the partition while a first attempt is in flight, and commits neither until both are durable', async () => {
      const [hanging, quick] = [await endpoint('/held'), await endpoint('/quick')];
      const slow = deliveryRequestFixture(tenant, hanging.id);
      const next = deliveryRequestFixture(tenant, quick.id);
      // One key, so one partition, behind the request whose callback is not answered yet.
      await kafka.publish('deliveries', [{ key: hanging.id, value: slow }]);
      await receiver.waitFor((got) => got.some((c) => c.headers['webhook-id'] === slow.deliveryId));
      await kafka.publish('deliveries', [{ key: hanging.id, value: next }]);

      await until('the next delivery written', async () => (await rows(next.deliveryId)).find((r) => r.status === 'delivered'));
      // The first is still in flight, with no row: the partition's offsets stay uncommitted, both of them.
      expect(await rows(slow.deliveryId)).toEqual([]);
      expect(await kafka.uncommitted(group(), 'deliveries')).toBe(2);

      held.shift()!();
      await kafka.waitForGroup(group(), 'deliveries');
      expect(await rows(slow.deliveryId)).toEqual([{ status: 'delivered', attempt_count: 1, leased: null, attempts: 1, last_status_code: 200 }]);
      expect(receiver.received.filter((c) => [slow.deliveryId, next.deliveryId].includes(c.headers['webhook-id'] as string))).toHaveLength(2);
    });
  }

  it('calls back once for a request consumed again after its delivery was recorded', async () => {
    const subscription = await endpoint('/again');
    const request = deliveryRequestFixture(tenant, subscription.id);
    await kafka.publish('deliveries', [{ key: subscription.id, value: request }]);
    await until('the delivered row', async () => (await rows(request.deliveryId)).find((r) => r.status === 'delivered'));
    await kafka.publish('deliveries', [{ key: subscription.id, value: request }, { key: subscription.id, value: request }]);
    await kafka.waitForGroup(group(), 'deliveries');
    expect(receiver.at('/again')).toHaveLength(1);
    expect(await rows(request.deliveryId)).toEqual([{ status: 'delivered', attempt_count: 1, leased: null, attempts: 1, last_status_code: 200 }]);
  });

  it('records a failed first attempt with its retry on the schedule, written once', async () => {
    const subscription = await endpoint('/failing');
    const request = deliveryRequestFixture(tenant, subscription.id);
    await kafka.publish('deliveries', [{ key: subscription.id, value: request }]);
    await kafka.waitForGroup(group(), 'deliveries');
    const [row] = await rows(request.deliveryId);
    expect(row).toMatchObject({ status: 'pending', attempt_count: 1, attempts: 1, last_status_code: 503 });
    const [endpointRow] = await query<{ failing: boolean }>('SELECT failing_since IS NOT NULL AS failing FROM dispatch_endpoints WHERE subscription_id = $1', [subscription.id]);
    expect(endpointRow.failing).toBe(true);
  });
});
