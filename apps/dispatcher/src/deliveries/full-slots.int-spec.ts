import type { Subscription } from '@tripline/contracts';
import { CallbackReceiver, deliveryRequestFixture, isolatedNamespace, query, startInProcess, subscriptionFixture, TestKafka, type RunningService } from '@tripline/testing';
import { randomUUID } from 'node:crypto';
import { loadDispatcherEnv } from '../dispatcher.env';
import { dispatcherModule } from '../dispatcher.module';

/**
 * A dispatcher with every slot taken, against the real Kafka and Postgres. New requests wait
 * for slots to be recorded already claimed only while attempts keep finishing: endpoints that
 * hang do not hold the deliveries topic back, and a backlog larger than the slots is delivered
 * whole, each callback once.
 */
describe('dispatcher with every slot taken, against the real Kafka and Postgres', () => {
  const namespace = isolatedNamespace('full-slots');
  const tenant = randomUUID();
  let service: RunningService;
  let kafka: TestKafka;
  let receiver: CallbackReceiver;
  const hanging: Array<() => void> = [];

  async function endpoints(paths: string[]): Promise<Subscription[]> {
    const subscriptions = paths.map((path) => subscriptionFixture(tenant, receiver.url(path)).subscription);
    await kafka.publish('subscriptionChanges', subscriptions.map((subscription) => ({ key: subscription.id, value: { change: 'created' as const, subscription } })));
    await kafka.waitForGroup(kafka.groupId('tripline-dispatcher', 'endpoints'), 'subscriptionChanges');
    return subscriptions;
  }
  const statuses = async (ids: string[]) =>
    (await query<{ status: string; attempt_count: number }>('SELECT status, attempt_count FROM deliveries WHERE id = ANY($1::uuid[])', [ids])).map((r) => `${r.status}/${r.attempt_count}`);

  beforeAll(async () => {
    receiver = await new CallbackReceiver().start();
    receiver.respondWith((c) => (c.path.startsWith('/hang/') ? new Promise<number>((resolve) => hanging.push(() => resolve(200))) : 200));
    service = await startInProcess('dispatcher', namespace, loadDispatcherEnv, dispatcherModule, {
      DISPATCH_CONCURRENCY: '4',
      DISPATCH_TENANT_CONCURRENCY: '4',
      DISPATCH_TIMEOUT: '60s',
    });
    kafka = new TestKafka(namespace);
  });
  afterAll(async () => {
    for (const release of hanging.splice(0)) release();
    await kafka?.close();
    await service?.close();
    await receiver?.stop();
  });

  it('records a new request at once while hanging endpoints hold every slot, and calls it back when one frees', async () => {
    const hangers = await endpoints(['/hang/1', '/hang/2', '/hang/3', '/hang/4']);
    const [later] = await endpoints(['/later']);
    await kafka.publish('deliveries', hangers.map((s) => ({ key: s.id, value: deliveryRequestFixture(tenant, s.id) })));
    await receiver.waitFor((got) => got.filter((c) => c.path.startsWith('/hang/')).length === 4);

    const waiting = deliveryRequestFixture(tenant, later.id);
    await kafka.publish('deliveries', [{ key: later.id, value: waiting }]);
    // Read and committed although no slot is free: the request is durable in Postgres, pending.
    await kafka.waitForGroup(kafka.groupId('tripline-dispatcher', 'deliveries'), 'deliveries');
    expect(await statuses([waiting.deliveryId])).toEqual(['pending/0']);
    expect(receiver.at('/later')).toEqual([]);

    hanging.shift()!();
    await receiver.waitFor((got) => got.some((c) => c.path === '/later'));
    for (const release of hanging.splice(0)) release();
  });

  it('delivers a backlog fifty times its slots, each callback once', async () => {
    const [fast] = await endpoints(['/fast']);
    const requests = Array.from({ length: 200 }, () => deliveryRequestFixture(tenant, fast.id));
    await kafka.publish('deliveries', requests.map((r) => ({ key: fast.id, value: r })));
    await receiver.waitFor((got) => got.filter((c) => c.path === '/fast').length >= 200);
    await kafka.waitForGroup(kafka.groupId('tripline-dispatcher', 'deliveries'), 'deliveries');
    const ids = receiver.at('/fast').map((c) => c.headers['webhook-id']);
    expect(new Set(ids).size).toBe(200);
    expect(ids).toHaveLength(200);
  });
});
