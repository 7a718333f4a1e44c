import {
  eventPartitionKey,
  operationsWebhookId,
  subscriptionDisabledNoticeId,
  type AcceptedEvent,
  type Subscription,
  type SubscriptionChanged,
  type TriggerName,
} from '@tripline/contracts';
import { disabledNotice, isolatedNamespace, query, refreshEvent, startInProcess, TestKafka, type RunningService } from '@tripline/testing';
import { randomUUID } from 'node:crypto';
import { loadEvaluatorEnv } from './evaluator.env';
import { evaluatorModule } from './evaluator.module';

describe('evaluator, against the real Kafka and Postgres', () => {
  const namespace = isolatedNamespace('evaluator');
  const tenant = randomUUID();
  let service: RunningService;
  let kafka: TestKafka;

  const subscription = (trigger: TriggerName, params: Record<string, string> = {}, overrides: Partial<Subscription> = {}): Subscription => ({
    id: randomUUID(),
    tenantId: tenant,
    trigger,
    // Sealed with a key the evaluator does not hold: it never needs the URL.
    sealedCallbackUrl: 'v1.aXY.dGFn.c2VhbGVk',
    redactedCallbackUrl: `https://flows.example.test/${trigger}?sig=REDACTED`,
    params,
    status: 'active',
    disabledReason: null,
    secrets: [],
    handshake: false,
    version: 1,
    createdAt: '2026-11-26T00:00:00.000Z',
    updatedAt: '2026-11-26T00:00:00.000Z',
    ...overrides,
  });

  const change = (s: Subscription, kind: SubscriptionChanged['change'] = 'created') => ({ key: s.id, value: { change: kind, subscription: s } });

  async function evaluate(...events: AcceptedEvent[]) {
    await kafka.publish('events', events.map((e) => ({ key: eventPartitionKey(e), value: e })));
    await kafka.waitForGroup(kafka.groupId('tripline-evaluator', 'events'), 'events');
    const ids = new Set(events.map((e) => e.id));
    return (await kafka.readValues('deliveries')).filter((d) => ids.has(d.eventId));
  }

  const accepted = (...args: Parameters<typeof refreshEvent>): AcceptedEvent => ({
    ...refreshEvent(...args),
    tenantId: tenant,
    receivedAt: new Date().toISOString(),
    source: 'http',
  });

  const failedAll = subscription('data-source-refresh-failed');
  const failedDs2 = subscription('data-source-refresh-failed', { dataSourceId: 'ds-2' });
  const succeeded = subscription('data-source-refresh-succeeded');

  beforeAll(async () => {
    service = await startInProcess('evaluator', namespace, loadEvaluatorEnv, evaluatorModule);
    kafka = new TestKafka(namespace);
    // Published just before the events: the evaluator must apply them before matching.
    await kafka.publish('subscriptionChanges', [change(failedAll), change(failedDs2), change(succeeded)]);
  });
  afterAll(async () => {
    await kafka?.close();
    await service?.close();
  });

  it('fires the failed trigger for final failures, filtered by data source', async () => {
    const onDs1 = accepted({ dataSourceId: 'ds-1', status: 'failed' });
    const onDs2 = accepted({ dataSourceId: 'ds-2', status: 'timed_out' });
    const skipped = accepted({ dataSourceId: 'ds-3', status: 'skipped' });
    const deliveries = await evaluate(onDs1, onDs2, skipped);
    const fired = deliveries.map((d) => [d.eventId, d.subscriptionId]).sort();
    expect(fired).toEqual(
      [
        [onDs1.id, failedAll.id],
        [onDs2.id, failedAll.id],
        [onDs2.id, failedDs2.id],
        [skipped.id, failedAll.id],
      ].sort(),
    );
    const one = deliveries.find((d) => d.eventId === onDs2.id && d.subscriptionId === failedDs2.id)!;
    expect(one).toMatchObject({ tenantId: tenant, trigger: 'data-source-refresh-failed' });
    // The callback body, serialized once here: the dispatcher sends these bytes as they are.
    expect(JSON.parse(one.body)).toMatchObject({ eventId: onDs2.id, subscriptionId: failedDs2.id, dataSourceId: 'ds-2', status: 'timed_out', errorCode: null });
    expect(one).not.toHaveProperty('callbackUrl'); // where to is the dispatcher's to know
  });

  it('fires the succeeded trigger only for successes, and nothing for a retrying refresh', async () => {
    const ok = accepted({ status: 'succeeded' });
    const retrying = accepted({ status: 'retrying' });
    const deliveries = await evaluate(ok, retrying);
    expect(deliveries.map((d) => [d.eventId, d.subscriptionId])).toEqual([[ok.id, succeeded.id]]);
  });

  it('gives a re-evaluated event the same delivery id (the webhook-id)', async () => {
    const event = accepted({ status: 'succeeded' });
    const [first] = await evaluate(event);
    const both = await evaluate(event);
    expect(both).toHaveLength(2);
    expect(both.every((d) => d.deliveryId === first.deliveryId)).toBe(true);
  });

  it('records one evaluation per event (a copy in the same batch too) with whom it fired, and the redelivered batch changes none', async () => {
    const failed = accepted({ dataSourceId: 'ds-2', status: 'failed' });
    const retrying = accepted({ status: 'retrying' });
    await evaluate(failed, retrying, failed);
    const rows = async () =>
      query<{ event_id: string; trigger: string | null; status: string; entity_kind: string; entity_id: string; fired: string[]; xmin: string }>(
        'SELECT event_id, trigger, status, entity_kind, entity_id, fired, xmin::text FROM event_evaluations WHERE tenant_id = $1 AND event_id = ANY($2) ORDER BY status',
        [tenant, [failed.id, retrying.id]],
      );
    const recorded = await rows();
    expect(recorded).toEqual([
      { event_id: failed.id, trigger: 'data-source-refresh-failed', status: 'failed', entity_kind: 'dataSource', entity_id: 'ds-2', fired: [failedAll.id, failedDs2.id].sort(), xmin: expect.any(String) },
      { event_id: retrying.id, trigger: null, status: 'retrying', entity_kind: 'dataSource', entity_id: 'ds-crm', fired: [], xmin: expect.any(String) },
    ]);
    await evaluate(failed, retrying);
    expect(await rows()).toEqual(recorded);
  });

  it('stops matching a deleted subscription, and ignores a change older than the one applied', async () => {
    const sub = subscription('data-source-refresh-failed', { dataSourceId: 'ds-del' });
    await kafka.publish('subscriptionChanges', [change(sub)]);
    expect(await evaluate(accepted({ dataSourceId: 'ds-del' }))).toHaveLength(2); // sub + failedAll

    // Deleted at version 2, then a stale version 1 "active" arrives late: it must not revive it.
    await kafka.publish('subscriptionChanges', [change({ ...sub, status: 'deleted', version: 2 }, 'deleted'), change(sub)]);
    const after = await evaluate(accepted({ dataSourceId: 'ds-del' }));
    expect(after.map((d) => d.subscriptionId)).toEqual([failedAll.id]);
  });

  it('never fires another tenant\'s subscriptions', async () => {
    const stranger = { ...accepted({ status: 'failed' }), tenantId: randomUUID() };
    expect(await evaluate(stranger)).toEqual([]);
  });

  it("fires the tenant's subscription-disabled subscriptions from a notice, once however often it is published, by trigger filter, never another tenant's", async () => {
    const operationsWebhook = subscription('subscription-disabled', {}, { id: operationsWebhookId(tenant) });
    const watcher = subscription('subscription-disabled');
    const refreshWatcher = subscription('subscription-disabled', { trigger: 'data-source-refresh-failed' });
    const segmentWatcher = subscription('subscription-disabled', { trigger: 'segment-threshold-crossed' });
    const otherTenants = subscription('subscription-disabled', {}, { tenantId: randomUUID() });
    const gone = subscription('data-source-refresh-failed', {}, { status: 'disabled', version: 2 });
    await kafka.publish('subscriptionChanges', [operationsWebhook, watcher, refreshWatcher, segmentWatcher, otherTenants, gone].map((s) => change(s)));

    const notice = disabledNotice(tenant, {
      noticeId: subscriptionDisabledNoticeId(tenant, gone.id, 2),
      subscriptionId: gone.id,
      callbackUrl: gone.redactedCallbackUrl,
    });
    // Published twice (a redelivered outcome republishes it), the second in a batch of its own.
    await kafka.publish('operations', [{ key: tenant, value: notice }]);
    await kafka.waitForGroup(kafka.groupId('tripline-evaluator', 'operations'), 'operations');
    await kafka.publish('operations', [{ key: tenant, value: notice }]);
    await kafka.waitForGroup(kafka.groupId('tripline-evaluator', 'operations'), 'operations');

    const requests = (await kafka.readValues('deliveries')).filter((d) => d.eventId === notice.noticeId);
    const bySubscription = new Map<string, Set<string>>();
    for (const r of requests) bySubscription.set(r.subscriptionId, (bySubscription.get(r.subscriptionId) ?? new Set()).add(r.deliveryId));
    expect([...bySubscription.keys()].sort()).toEqual([operationsWebhook.id, watcher.id, refreshWatcher.id].sort());
    // Each subscription's copies share one delivery id: the dispatcher keeps one delivery.
    for (const ids of bySubscription.values()) expect(ids.size).toBe(1);
    const toWatcher = requests.find((r) => r.subscriptionId === watcher.id)!;
    expect(toWatcher).toMatchObject({ trigger: 'subscription-disabled', tenantId: tenant });
    expect(JSON.parse(toWatcher.body)).toMatchObject({ eventId: notice.noticeId, subscriptionId: watcher.id, disabledSubscriptionId: gone.id, reason: 'gone', lastStatusCode: 410 });
  });
});
