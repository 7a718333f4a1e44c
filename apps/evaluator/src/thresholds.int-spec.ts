import { eventPartitionKey, type AcceptedEvent, type EventInput, type Subscription } from '@tripline/contracts';
import { isolatedNamespace, measureEvent, query, segmentEvent, startInProcess, TestKafka, type RunningService } from '@tripline/testing';
import { randomUUID } from 'node:crypto';
import { loadEvaluatorEnv } from './evaluator.env';
import { evaluatorModule } from './evaluator.module';

/**
 * Threshold crossing against the real broker and database: the rule, and its durability under
 * redelivery, restart and two evaluator instances sharing the events topic.
 */
describe('threshold triggers, against the real Kafka and Postgres', () => {
  const namespace = isolatedNamespace('thresholds');
  const tenant = randomUUID();
  let instances: RunningService[] = [];
  let kafka: TestKafka;

  const start = () => startInProcess('evaluator', namespace, loadEvaluatorEnv, evaluatorModule);
  const accept = (event: EventInput): AcceptedEvent => ({ ...event, tenantId: tenant, receivedAt: new Date().toISOString(), source: 'kafka' }) as AcceptedEvent;

  async function subscribe(trigger: 'segment-threshold-crossed' | 'measure-threshold-crossed', entity: string, threshold: number) {
    const subscription: Subscription = {
      id: randomUUID(),
      tenantId: tenant,
      trigger,
      sealedCallbackUrl: 'v1.aXY.dGFn.c2VhbGVk',
      redactedCallbackUrl: 'https://flows.example.test/threshold',
      params: trigger === 'segment-threshold-crossed' ? { segmentId: entity, threshold } : { measureId: entity, threshold },
      status: 'active',
      disabledReason: null,
      secrets: [],
      handshake: false,
      version: 1,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    };
    await kafka.publish('subscriptionChanges', [{ key: subscription.id, value: { change: 'created', subscription } }]);
    return subscription.id;
  }

  /** Publishes events in order and returns the firings they caused, as [subscription, previous, new]. */
  async function observe(...events: EventInput[]) {
    await kafka.publish('events', events.map((e) => accept(e)).map((e) => ({ key: eventPartitionKey(e), value: e })));
    await kafka.waitForGroup(kafka.groupId('tripline-evaluator', 'events'), 'events');
    const ids = new Set(events.map((e) => e.id));
    return (await kafka.readValues('deliveries')).filter((d) => ids.has(d.eventId));
  }
  /**
   * [subscription, previous, new] per firing, sorted: deliveries are keyed by subscription, so
   * two subscriptions' firings sit on different partitions and arrive in no particular order.
   */
  const firings = (deliveries: Awaited<ReturnType<typeof observe>>) =>
    deliveries
      .map((d) => {
        const p = JSON.parse(d.body) as { previousValue: number; newValue: number };
        return [d.subscriptionId, p.previousValue, p.newValue] as [string, number, number];
      })
      .sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1] || a[2] - b[2]);
  const sorted = (rows: Array<[string, number, number]>) => [...rows].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1] || a[2] - b[2]);

  beforeAll(async () => {
    kafka = new TestKafka(namespace);
    instances = [await start()];
  });
  afterAll(async () => {
    await kafka?.close();
    await Promise.all(instances.map((i) => i.close()));
  });

  it('the first observation is the baseline: it fires nothing, even above the threshold', async () => {
    const sub = await subscribe('segment-threshold-crossed', 'seg-first', 100);
    expect(await observe(segmentEvent('seg-first', 500, 0))).toEqual([]);
    expect(firings(await observe(segmentEvent('seg-first', 50, 1), segmentEvent('seg-first', 150, 2)))).toEqual([[sub, 50, 150]]);
  });

  // Each sequence starts with its baseline (the segment's first observation).
  it.each([
    ['below → above fires', [10, 20], [[10, 20]]],
    ['above → above does not fire again', [10, 20, 30, 40], [[10, 20]]],
    ['equal is not above: below → equal does not fire, equal → above does', [10, 15, 16], [[15, 16]]],
    ['above → below → above fires twice', [5, 20, 3, 25], [[5, 20], [3, 25]]],
    ['staying at or below fires nothing', [5, 15, 14, 0], []],
  ])('%s (threshold 15)', async (_, counts, expected) => {
    const segment = `seg-${randomUUID()}`;
    const sub = await subscribe('segment-threshold-crossed', segment, 15);
    const result = firings(await observe(...counts.map((count, minute) => segmentEvent(segment, count, minute))));
    expect(result).toEqual(sorted(expected.map(([previous, next]) => [sub, previous, next])));
  });

  it('ignores a stale (out-of-order) observation and a duplicate of one already applied', async () => {
    const sub = await subscribe('segment-threshold-crossed', 'seg-order', 100);
    const base = segmentEvent('seg-order', 50, 10);
    const rise = segmentEvent('seg-order', 150, 20);
    expect(firings(await observe(base, rise))).toEqual([[sub, 50, 150]]);

    // Older than the last applied (minute 5 < 20): a crossing by value (90 → ... ) must not happen.
    const staleLow = segmentEvent('seg-order', 90, 5);
    const next = segmentEvent('seg-order', 160, 30);
    expect(await observe(staleLow, next)).toEqual([]);

    // The same event again replays its transition: the same delivery id, nothing new.
    const both = await observe(rise);
    expect(both).toHaveLength(2); // the original request and the replayed one
    expect(both[0].deliveryId).toBe(both[1].deliveryId);
    expect(firings(both)).toEqual([
      [sub, 50, 150],
      [sub, 50, 150],
    ]);
  });

  it('orders observations by instant whatever their offset, down to year 0000 in local time (year 1 in UTC)', async () => {
    const sub = await subscribe('segment-threshold-crossed', 'seg-year-one', 26);
    const at = (count: number, occurredAt: string) => ({ ...segmentEvent('seg-year-one', count, 0), occurredAt });
    expect(await observe(at(26, '0001-01-01T00:00:00Z'))).toEqual([]);
    expect(firings(await observe(at(46, '0000-12-31T21:40:00.123-02:20')))).toEqual([[sub, 26, 46]]);
  });

  it('fires each subscription on one segment at its own threshold', async () => {
    const low = await subscribe('segment-threshold-crossed', 'seg-two', 100);
    const high = await subscribe('segment-threshold-crossed', 'seg-two', 200);
    const result = firings(
      await observe(segmentEvent('seg-two', 50, 0), segmentEvent('seg-two', 150, 1), segmentEvent('seg-two', 250, 2), segmentEvent('seg-two', 90, 3), segmentEvent('seg-two', 300, 4)),
    );
    expect(result).toEqual(
      sorted([
        [low, 50, 150],
        [high, 150, 250],
        [low, 90, 300],
        [high, 90, 300],
      ]),
    );
  });

  it('crosses measure thresholds on fractional values', async () => {
    const sub = await subscribe('measure-threshold-crossed', 'm-churn', 0.25);
    const result = firings(await observe(measureEvent('m-churn', 0.2, 0), measureEvent('m-churn', 0.25, 1), measureEvent('m-churn', 0.2501, 2)));
    expect(result).toEqual([[sub, 0.25, 0.2501]]);
  });

  it('keeps its state in Postgres across a restart of the evaluator', async () => {
    const sub = await subscribe('segment-threshold-crossed', 'seg-restart', 100);
    await observe(segmentEvent('seg-restart', 80, 0));
    await instances[0].close();
    instances = [await start()];
    expect(firings(await observe(segmentEvent('seg-restart', 120, 1)))).toEqual([[sub, 80, 120]]);
    const [state] = await query<{ last_value: number }>(
      "SELECT last_value FROM entity_states WHERE tenant_id = $1 AND entity_kind = 'segment' AND entity_id = 'seg-restart'",
      [tenant],
    );
    expect(state.last_value).toBe(120);
  });

  it('fires each crossing exactly once with two evaluator instances sharing the events topic', async () => {
    instances.push(await start());
    const segments = Array.from({ length: 12 }, (_, i) => `seg-pair-${i}`);
    const subs = new Map<string, string>();
    for (const segment of segments) subs.set(segment, await subscribe('segment-threshold-crossed', segment, 100));
    // Per segment: 50, 150 (fires), 160, 40, 140 (fires), 130.
    const counts = [50, 150, 160, 40, 140, 130];
    const events = counts.flatMap((count, minute) => segments.map((segment) => segmentEvent(segment, count, minute)));
    const deliveries = await observe(...events);
    const bySubscription = new Map<string, number[][]>();
    for (const d of deliveries) {
      const p = JSON.parse(d.body) as { previousValue: number; newValue: number };
      bySubscription.set(d.subscriptionId, [...(bySubscription.get(d.subscriptionId) ?? []), [p.previousValue, p.newValue]]);
    }
    for (const segment of segments) {
      const got = bySubscription.get(subs.get(segment)!) ?? [];
      // Distinct firings (a rebalance may replay a batch: the same delivery id, never a new one).
      const distinct = [...new Map(got.map((g) => [g.join('→'), g])).values()];
      expect(distinct).toEqual([
        [50, 150],
        [40, 140],
      ]);
    }
    const ids = deliveries.map((d) => d.deliveryId);
    expect(new Set(ids).size).toBe(segments.length * 2);
  });
});
