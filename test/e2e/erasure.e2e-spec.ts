import { eventPartitionKey, type AcceptedEvent, type EventInput } from '@tripline/contracts';
import {
  E2E_ADMIN_TOKEN,
  fullRefreshEvent,
  json,
  measureEvent,
  pipelineSettled,
  query,
  refreshEvent,
  segmentEvent,
  startStack,
  type CallbackReceiver,
  type Json,
  type ServiceProcesses,
  type TestKafka,
  type TestStack,
} from '@tripline/testing';

/** Every table that holds a tenant's rows, and how to count one tenant's. */
const TABLES: Record<string, string> = {
  apiKeys: 'SELECT count(*)::int AS n FROM api_keys WHERE tenant_id = $1',
  tenants: 'SELECT count(*)::int AS n FROM tenants WHERE id = $1',
  subscriptions: 'SELECT count(*)::int AS n FROM subscriptions WHERE tenant_id = $1',
  triggerSubscriptions: 'SELECT count(*)::int AS n FROM trigger_subscriptions WHERE tenant_id = $1',
  entityObservations: 'SELECT count(*)::int AS n FROM entity_observations WHERE tenant_id = $1',
  entityStates: 'SELECT count(*)::int AS n FROM entity_states WHERE tenant_id = $1',
  eventEvaluations: 'SELECT count(*)::int AS n FROM event_evaluations WHERE tenant_id = $1',
  dataSourceStates: 'SELECT count(*)::int AS n FROM data_source_states WHERE tenant_id = $1',
  segmentStates: 'SELECT count(*)::int AS n FROM segment_states WHERE tenant_id = $1',
  measureStates: 'SELECT count(*)::int AS n FROM measure_states WHERE tenant_id = $1',
  refreshRuns: 'SELECT count(*)::int AS n FROM refresh_runs WHERE tenant_id = $1',
  deliveryAttempts: 'SELECT count(*)::int AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.tenant_id = $1',
  deliveries: 'SELECT count(*)::int AS n FROM deliveries WHERE tenant_id = $1',
  dispatchEndpoints: 'SELECT count(*)::int AS n FROM dispatch_endpoints WHERE tenant_id = $1',
  deadLetters: 'SELECT count(*)::int AS n FROM dead_letters WHERE tenant_id = $1',
};

async function rowsOf(tenantId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [kind, sql] of Object.entries(TABLES)) counts[kind] = (await query<{ n: number }>(sql, [tenantId]))[0].n;
  return counts;
}

/**
 * Erasure through the five running services: two tenants with data in every table, one erased
 * (everything of it gone, its key refused, its callbacks stopped, its subscriptions tombstoned),
 * the other untouched and still firing; and one event's payloads erased by its own tenant only.
 */
describe('Tripline end to end: erasing a tenant and an event', () => {
  let stack: TestStack;
  let services: ServiceProcesses;
  let receiver: CallbackReceiver;
  let kafka: TestKafka;
  const tenants: Record<'a' | 'b', { tenantId: string; apiKey: string; subscriptions: string[] }> = {} as never;

  async function subscribe(who: 'a' | 'b', path: string, trigger: string, params: Record<string, unknown> = {}) {
    const res = await fetch(`${services.url('gateway')}/v1/subscriptions/${trigger}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': tenants[who].apiKey },
      body: JSON.stringify({ callbackUrl: receiver.url(path), ...params }),
    });
    expect(res.status).toBe(201);
    tenants[who].subscriptions.push((await json(res)).id);
  }

  async function publish(who: 'a' | 'b', ...events: EventInput[]) {
    const res = await fetch(`${services.url('ingestion')}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': tenants[who].apiKey },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(202);
  }

  /** Until every hop, the read model's included, has taken what was published. */
  async function settled() {
    await pipelineSettled(kafka, [tenants.a.tenantId, tenants.b.tenantId]);
    await kafka.waitForGroup(kafka.groupId('tripline-gateway', 'read-model'), 'events');
    // Dead letters are published before their consumer commits: stored once the gateway's group is at the end.
    await kafka.waitForGroup(kafka.groupId('tripline-gateway', 'dead-letters'), 'deadLetters');
  }

  const eraseTenant = (tenantId: string) =>
    fetch(`${services.url('gateway')}/v1/admin/tenants/${tenantId}`, { method: 'DELETE', headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` } });
  const eraseEvent = (apiKey: string, eventId: string) =>
    fetch(`${services.url('gateway')}/v1/events/${encodeURIComponent(eventId)}`, { method: 'DELETE', headers: { 'x-api-key': apiKey } });

  beforeAll(async () => {
    stack = await startStack('e2e-erasure');
    ({ services, receiver, kafka } = stack);
    tenants.a = { tenantId: stack.tenantId, apiKey: stack.apiKey, subscriptions: [] };
    tenants.b = { ...(await stack.createTenant('the tenant that stays')), subscriptions: [] };
    for (const who of ['a', 'b'] as const) {
      await subscribe(who, `/${who}/failed`, 'data-source-refresh-failed');
      await subscribe(who, `/${who}/segment`, 'segment-threshold-crossed', { segmentId: 'seg-vip', threshold: 100 });
      // Data in every table: a failed refresh (a delivery with an attempt, a read-model row),
      // a crossing (observations, a state), a measure, a full refresh (a run in the read model).
      await publish(who, refreshEvent(), segmentEvent('seg-vip', 80, 0), segmentEvent('seg-vip', 120, 1), measureEvent('m-ltv', 42, 0), fullRefreshEvent());
      // A dead letter naming the tenant: an event of it on the ingest topic that fails the contract.
      await kafka.publishRaw('ingest', [{ key: tenants[who].tenantId, value: JSON.stringify({ ...refreshEvent(), occurredAt: 'not a time', tenantId: tenants[who].tenantId }) }]);
    }
    await settled();
  });
  afterAll(async () => stack?.stop());

  it("erases one event's payloads for its own tenant, and nothing for another tenant", async () => {
    const event = refreshEvent({ dataSourceId: 'ds-erased' });
    await publish('b', event);
    await settled();
    expect(receiver.at('/b/failed').some((c) => (c.json as Json).eventId === event.id)).toBe(true);
    const [{ n: stored }] = await query<{ n: number }>('SELECT count(*)::int AS n FROM deliveries WHERE event_id = $1', [event.id]);
    expect(stored).toBe(1);

    const before = await rowsOf(tenants.b.tenantId);
    const other = await eraseEvent(tenants.a.apiKey, event.id);
    expect(other.status).toBe(200);
    expect(Object.values((await json(other)).removed).every((n) => n === 0)).toBe(true);
    expect(await rowsOf(tenants.b.tenantId)).toEqual(before);

    const own = await eraseEvent(tenants.b.apiKey, event.id);
    expect(own.status).toBe(200);
    expect(await json(own)).toEqual({
      eventId: event.id,
      removed: { deliveryAttempts: 1, deliveries: 1, entityObservations: 0, eventEvaluations: 1, refreshRuns: 0, dataSourceStates: 1, segmentStates: 0, measureStates: 0 },
    });
    expect(await query('SELECT id FROM deliveries WHERE event_id = $1', [event.id])).toEqual([]);
    // Nothing left to explain it from: the evaluation API no longer knows the event.
    const evaluation = await fetch(`${services.url('gateway')}/v1/events/${encodeURIComponent(event.id)}/evaluation`, { headers: { 'x-api-key': tenants.b.apiKey } });
    expect(evaluation.status).toBe(404);
    expect(await query('SELECT data_source_id FROM data_source_states WHERE last_event_id = $1', [event.id])).toEqual([]);
    // The rest of the tenant's data stays: one delivery and its attempt, one read-model row, one evaluation.
    const after = await rowsOf(tenants.b.tenantId);
    expect(after).toEqual({
      ...before,
      deliveries: before.deliveries - 1,
      deliveryAttempts: before.deliveryAttempts - 1,
      dataSourceStates: before.dataSourceStates - 1,
      eventEvaluations: before.eventEvaluations - 1,
    });
  });

  it('erases a tenant from every table, refuses its key, stops its callbacks and leaves the other tenant firing', async () => {
    const a = tenants.a;
    const held = await rowsOf(a.tenantId);
    // Something of A in every table, or the test would prove nothing.
    expect(Object.entries(held).filter(([, n]) => n === 0)).toEqual([]);
    const bBefore = await rowsOf(tenants.b.tenantId);

    const res = await eraseTenant(a.tenantId);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ tenantId: a.tenantId, removed: held, tombstones: a.subscriptions.length });

    expect(Object.values(await rowsOf(a.tenantId)).every((n) => n === 0)).toBe(true);
    expect(await rowsOf(tenants.b.tenantId)).toEqual(bBefore);
    // The count of its subscriptions (kept by triggers on subscriptions) went with them; B's stayed.
    const counted = 'SELECT live FROM tenant_subscription_counts WHERE tenant_id = $1';
    expect(await query(counted, [a.tenantId])).toEqual([]);
    expect(await query(counted, [tenants.b.tenantId])).toEqual([{ live: bBefore.subscriptions }]);

    // Its key is refused at once by the gateway that erased it.
    const listed = await fetch(`${services.url('gateway')}/v1/subscriptions`, { headers: { 'x-api-key': a.apiKey } });
    expect(listed.status).toBe(401);

    // The compacted topic has a tombstone (a null value) for each of its subscriptions.
    const tombstoned = (await kafka.readAll('subscriptionChanges')).filter((r) => r.value === null).map((r) => r.key);
    expect(tombstoned.sort()).toEqual([...a.subscriptions].sort());

    // Its callbacks stop, the other tenant's go on: events of both on the ingest topic (A's is
    // refused there now: an unknown tenant), then B's callback proves the pipeline ran.
    const aBefore = receiver.at('/a/failed').length + receiver.at('/a/segment').length;
    const bFailed = receiver.at('/b/failed').length;
    await kafka.publishRaw('ingest', [
      { key: a.tenantId, value: JSON.stringify({ ...refreshEvent(), tenantId: a.tenantId }) },
      { key: a.tenantId, value: JSON.stringify({ ...segmentEvent('seg-vip', 50, 2), tenantId: a.tenantId }) },
      { key: a.tenantId, value: JSON.stringify({ ...segmentEvent('seg-vip', 150, 3), tenantId: a.tenantId }) },
      { key: tenants.b.tenantId, value: JSON.stringify({ ...refreshEvent(), tenantId: tenants.b.tenantId }) },
    ]);
    await settled();
    expect(receiver.at('/b/failed')).toHaveLength(bFailed + 1);
    expect(receiver.at('/a/failed').length + receiver.at('/a/segment').length).toBe(aBefore);
    // Nothing of A came back with them but their dead letters: ingestion refused them (an
    // unknown tenant), so no read model, no observation; the refusals hold A's payloads.
    const zeros = Object.fromEntries(Object.keys(held).map((kind) => [kind, 0]));
    expect(await rowsOf(a.tenantId)).toEqual({ ...zeros, deadLetters: 3 });

    // Erasing again (once its traffic drained) removes those, and nothing else was left.
    const again = await eraseTenant(a.tenantId);
    expect((await json(again)).removed).toEqual({ ...zeros, deadLetters: 3 });
  });

  it('fires nothing for an event of the erased tenant still in transit, and a second erasure removes what it left', async () => {
    const a = tenants.a;
    const fired = () => receiver.at('/a/failed').length + receiver.at('/a/segment').length;
    const before = fired();
    const bFailed = receiver.at('/b/failed').length;
    // Accepted before the erasure, evaluated after it: straight onto the events topic.
    const inTransit = [segmentEvent('seg-vip', 10, 5), segmentEvent('seg-vip', 500, 6), refreshEvent()].map(
      (e): AcceptedEvent => ({ ...e, tenantId: a.tenantId, receivedAt: new Date().toISOString(), source: 'http' }),
    );
    await kafka.publish('events', inTransit.map((e) => ({ key: eventPartitionKey(e), value: e })));
    await publish('b', refreshEvent());
    await settled();
    expect(receiver.at('/b/failed')).toHaveLength(bFailed + 1);
    expect(fired()).toBe(before);
    // What the evaluator and the read model recorded of them (no subscription, no delivery)...
    const left = await rowsOf(a.tenantId);
    expect(left.deliveries + left.subscriptions + left.dispatchEndpoints + left.apiKeys + left.tenants).toBe(0);
    expect(left.entityObservations).toBeGreaterThan(0);
    expect(left.eventEvaluations).toBe(inTransit.length);
    // ...goes with a second erasure.
    const res = await eraseTenant(a.tenantId);
    expect((await json(res)).removed).toEqual(left);
    expect(Object.values(await rowsOf(a.tenantId)).every((n) => n === 0)).toBe(true);
  });

  it('answers 401 without the admin token', async () => {
    const res = await fetch(`${services.url('gateway')}/v1/admin/tenants/${tenants.b.tenantId}`, { method: 'DELETE' });
    expect(res.status).toBe(401);
    expect((await rowsOf(tenants.b.tenantId)).tenants).toBe(1);
  });
});
