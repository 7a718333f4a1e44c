import { EventInput, type TriggerName } from '@tripline/contracts';
import { utcMicros } from '@tripline/db';
import {
  edgeEvent,
  fullRefreshEvent,
  json,
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
import fc from 'fast-check';
import { EvaluatedEventsPage, EventEvaluationAnswer } from '../../apps/gateway/src/event-evaluations/event-evaluation.dtos';

/**
 * "Why did (not) my flow fire?" through the five running services: events posted to ingestion,
 * evaluated, delivered; then the gateway asked, and each reason checked against what really
 * happened (the callbacks received, their webhook-ids), for each rule of each trigger.
 */
describe('Tripline end to end: why an event fired a flow or not', () => {
  let stack: TestStack;
  let services: ServiceProcesses;
  let receiver: CallbackReceiver;
  let kafka: TestKafka;
  let apiKey: string;
  let tenantId: string;
  let other: { tenantId: string; apiKey: string };
  const subs: Record<string, string> = {};

  const gateway = (method: string, path: string, body?: unknown, key = apiKey) =>
    fetch(`${services.url('gateway')}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  async function post(events: EventInput[], key = apiKey): Promise<void> {
    const res = await fetch(`${services.url('ingestion')}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(202);
  }
  async function subscribe(name: string, trigger: TriggerName, params: Record<string, unknown> = {}): Promise<string> {
    const res = await gateway('POST', `/v1/subscriptions/${trigger}`, { callbackUrl: receiver.url(`/${name}`), ...params });
    expect(res.status).toBe(201);
    subs[name] = (await json(res)).id;
    return subs[name];
  }
  /** Until the evaluator, the dispatcher and the registry's outcomes have taken everything. */
  async function settled(): Promise<void> {
    await pipelineSettled(kafka, [tenantId, other.tenantId]);
    await kafka.waitForGroup(kafka.groupId('tripline-registry', 'outcomes'), 'deliveryOutcomes');
  }
  async function evaluation(eventId: string, key = apiKey): Promise<Json> {
    const res = await gateway('GET', `/v1/events/${encodeURIComponent(eventId)}/evaluation`, undefined, key);
    expect(res.status).toBe(200);
    return EventEvaluationAnswer.parse(await json(res));
  }
  /** The verdict on one named subscription. */
  const on = (answer: Json, name: string) => answer.subscriptions.find((s: Json) => s.subscriptionId === subs[name]);
  /** The webhook-ids of the callbacks a path got for an event. */
  const webhookIds = (name: string, eventId: string) =>
    receiver.at(`/${name}`).filter((c) => (c.json as Json)?.eventId === eventId).map((c) => c.headers['webhook-id']);

  beforeAll(async () => {
    stack = await startStack('e2e-evaluation');
    ({ services, receiver, kafka, apiKey, tenantId } = stack);
    other = await stack.createTenant('the other tenant');
    receiver.respondWith((c) => (c.path === '/gone' ? 410 : 200));
    await subscribe('failed-all', 'data-source-refresh-failed');
    await subscribe('failed-ds2', 'data-source-refresh-failed', { dataSourceId: 'ds-2' });
    await subscribe('succeeded', 'data-source-refresh-succeeded');
    await subscribe('seg-100', 'segment-threshold-crossed', { segmentId: 'seg-e', threshold: 100 });
    await subscribe('seg-200', 'segment-threshold-crossed', { segmentId: 'seg-e', threshold: 200 });
    await subscribe('seg-other', 'segment-threshold-crossed', { segmentId: 'seg-x', threshold: 100 });
    await subscribe('full', 'full-refresh-completed');
    await subscribe('full-manual', 'full-refresh-completed', { includeManual: true });
    // Deleted before any event: the flow was turned off.
    await subscribe('deleted', 'data-source-refresh-failed', { dataSourceId: 'ds-1' });
    expect((await gateway('DELETE', `/v1/subscriptions/${subs.deleted}`)).status).toBe(204);
    // Disabled before the event it is asked about: its callback answers 410 (the flow is gone).
    await subscribe('gone', 'data-source-refresh-failed', { dataSourceId: 'ds-gone' });
    await post([refreshEvent({ dataSourceId: 'ds-gone' })]);
    await settled();
    expect(await json(await gateway('GET', `/v1/subscriptions/${subs.gone}`))).toMatchObject({ status: 'disabled' });
  });
  afterAll(async () => stack?.stop());

  it('a failed refresh: fired (with its webhook-id), another data source, another status, deleted, disabled, made after', async () => {
    const failed = refreshEvent({ dataSourceId: 'ds-1' });
    const onGone = refreshEvent({ dataSourceId: 'ds-gone' });
    await post([failed, onGone]);
    await settled();
    await subscribe('after', 'data-source-refresh-failed', { dataSourceId: 'ds-after' });

    const answer = await evaluation(failed.id);
    expect(answer).toMatchObject({
      eventId: failed.id,
      type: 'datasource.refresh.completed',
      occurredAt: failed.occurredAt,
      entity: { kind: 'dataSource', id: 'ds-1' },
      trigger: 'data-source-refresh-failed',
      status: 'failed',
      observation: null,
      subscriptionsTruncated: false,
    });
    // Fired, and the delivery id is the webhook-id the flow received.
    expect(on(answer, 'failed-all')).toMatchObject({ fired: true, reason: null, deliveryId: webhookIds('failed-all', failed.id)[0] });
    expect(webhookIds('failed-all', failed.id)).toHaveLength(1);
    expect(on(answer, 'failed-ds2')).toMatchObject({
      fired: false,
      deliveryId: null,
      reason: { code: 'parameter_mismatch', parameter: 'dataSourceId', expected: 'ds-2', actual: 'ds-1', message: 'The subscription watches data source "ds-2"; this event is about data source "ds-1".' },
    });
    expect(on(answer, 'succeeded').reason).toMatchObject({ code: 'status_mismatch', status: 'failed', statuses: ['succeeded'] });
    expect(on(answer, 'deleted')).toMatchObject({ status: 'deleted', fired: false, reason: { code: 'subscription_deleted' } });
    expect(on(answer, 'after').reason).toMatchObject({ code: 'created_after_event', evaluatedAt: answer.evaluatedAt });
    // Only the refresh triggers' subscriptions are listed: the segment's and full refresh's are not about this event.
    expect(answer.subscriptions.map((s: Json) => s.trigger).every((t: string) => t.startsWith('data-source-refresh-'))).toBe(true);
    expect(answer.subscriptions[0].fired).toBe(true);

    const gone = await evaluation(onGone.id);
    expect(on(gone, 'gone')).toMatchObject({ status: 'disabled', fired: false, reason: { code: 'subscription_disabled', disabledReason: 'callback answered 410: the flow no longer exists' } });
    expect(webhookIds('gone', onGone.id)).toEqual([]);
  });

  it('a refresh still retrying fires nothing, and says so', async () => {
    const retrying = refreshEvent({ dataSourceId: 'ds-1', status: 'retrying' });
    await post([retrying]);
    await settled();
    const answer = await evaluation(retrying.id);
    expect(answer).toMatchObject({ trigger: null, status: 'retrying' });
    expect(on(answer, 'failed-all').reason).toMatchObject({ code: 'refresh_retrying', status: 'retrying' });
    expect(on(answer, 'succeeded').reason.code).toBe('status_mismatch');
    expect(receiver.received.some((c) => (c.json as Json)?.eventId === retrying.id)).toBe(false);
  });

  it('a segment: the baseline, a crossing, below with the values, not re-armed, stale, the same instant, equal is not above', async () => {
    const first = segmentEvent('seg-e', 50, 0);
    const rise = segmentEvent('seg-e', 150, 1);
    const higher = segmentEvent('seg-e', 160, 2);
    const stale = segmentEvent('seg-e', 10, -5);
    const sameInstant = segmentEvent('seg-e', 999, 2);
    const equal = segmentEvent('seg-e', 200, 3);
    await post([first, rise, higher, stale, sameInstant, equal]);
    await settled();

    const baseline = await evaluation(first.id);
    expect(baseline.observation).toEqual({ outcome: 'first', previous: null, previousAt: null, value: 50, stale: false, duplicate: false });
    expect(on(baseline, 'seg-100').reason).toMatchObject({ code: 'first_observation', value: 50 });
    expect(on(baseline, 'seg-other').reason).toMatchObject({ code: 'parameter_mismatch', parameter: 'segmentId', expected: 'seg-x', actual: 'seg-e' });

    const crossed = await evaluation(rise.id);
    expect(crossed.observation).toMatchObject({ outcome: 'applied', previous: 50, previousAt: first.occurredAt, value: 150 });
    expect(on(crossed, 'seg-100')).toMatchObject({ fired: true, deliveryId: webhookIds('seg-100', rise.id)[0] });
    expect(on(crossed, 'seg-200').reason).toMatchObject({
      code: 'below_threshold',
      previous: 50,
      value: 150,
      threshold: 200,
      message: 'Segment "seg-e"\'s member count went from 50 to 150, which is not above the threshold 200.',
    });

    const above = await evaluation(higher.id);
    expect(on(above, 'seg-100').reason).toMatchObject({ code: 'not_rearmed', previous: 150, value: 160, threshold: 100 });
    expect(webhookIds('seg-100', higher.id)).toEqual([]);

    const old = await evaluation(stale.id);
    expect(old.observation).toMatchObject({ outcome: 'stale', stale: true, previous: 160, previousAt: higher.occurredAt, value: 10 });
    expect(on(old, 'seg-100').reason).toMatchObject({ code: 'stale_observation', value: 10, previous: 160, occurredAt: stale.occurredAt, previousAt: higher.occurredAt });

    const twin = await evaluation(sameInstant.id);
    expect(twin.observation).toMatchObject({ outcome: 'same-instant', duplicate: true, value: 999 });
    expect(on(twin, 'seg-200').reason).toMatchObject({ code: 'duplicate_event', occurredAt: higher.occurredAt });
    expect(webhookIds('seg-200', sameInstant.id)).toEqual([]);

    const atThreshold = await evaluation(equal.id);
    expect(on(atThreshold, 'seg-200').reason).toMatchObject({ code: 'below_threshold', previous: 160, value: 200, threshold: 200, message: expect.stringMatching(/equal is not above/) });
  });

  it('a full refresh: scheduled fires both; the same run reported again is a duplicate of that one delivery; manual and partial runs', async () => {
    const scheduled = fullRefreshEvent({ runId: 'run-e2e-1' });
    await post([scheduled]);
    await settled();
    const again = fullRefreshEvent({ runId: 'run-e2e-1' });
    const manual = fullRefreshEvent({ trigger: 'manual' });
    const partial = fullRefreshEvent({ scope: 'partial' });
    await post([again, manual, partial]);
    await settled();

    const first = await evaluation(scheduled.id);
    expect(first).toMatchObject({ entity: { kind: 'refresh', id: 'run-e2e-1' }, runTrigger: 'scheduled', scope: 'full' });
    expect(on(first, 'full')).toMatchObject({ fired: true, deliveryId: webhookIds('full', scheduled.id)[0] });
    const second = await evaluation(again.id);
    expect(on(second, 'full')).toMatchObject({
      fired: false,
      deliveryId: on(first, 'full').deliveryId,
      reason: { code: 'duplicate_event', firstEventId: scheduled.id, runId: 'run-e2e-1' },
    });
    // One callback per flow for the run, whichever event reported it.
    expect(receiver.at('/full').filter((c) => (c.json as Json).runId === 'run-e2e-1')).toHaveLength(1);

    const byHand = await evaluation(manual.id);
    expect(on(byHand, 'full').reason).toMatchObject({ code: 'not_scheduled_run', runTrigger: 'manual', includeManual: false });
    expect(on(byHand, 'full-manual').fired).toBe(true);
    const part = await evaluation(partial.id);
    expect(part.trigger).toBeNull();
    expect(on(part, 'full-manual').reason).toMatchObject({ code: 'partial_refresh' });
  });

  it('a redelivered event leaves its record as it was; evaluated again after a new subscription, it adds the firing it really made', async () => {
    const event = refreshEvent({ dataSourceId: 'ds-redelivered' });
    await post([event]);
    await settled();
    const before = await evaluation(event.id);
    const [row] = await query<{ xmin: string }>('SELECT xmin::text FROM event_evaluations WHERE tenant_id = $1 AND event_id = $2', [tenantId, event.id]);

    await post([event]);
    await settled();
    expect(await evaluation(event.id)).toEqual(before);
    // Not even rewritten: the row is the same version.
    expect(await query('SELECT xmin::text FROM event_evaluations WHERE tenant_id = $1 AND event_id = $2', [tenantId, event.id])).toEqual([row]);
    expect(webhookIds('failed-all', event.id)).toHaveLength(1);

    // A flow subscribed since: the same event again does fire it (a new delivery), and the record says so.
    await subscribe('late', 'data-source-refresh-failed', { dataSourceId: 'ds-redelivered' });
    expect(on(await evaluation(event.id), 'late').reason.code).toBe('created_after_event');
    await post([event]);
    await settled();
    const after = await evaluation(event.id);
    expect(after.evaluatedAt).toBe(before.evaluatedAt);
    expect(on(after, 'late')).toMatchObject({ fired: true, deliveryId: webhookIds('late', event.id)[0] });
    expect(on(after, 'failed-all')).toEqual(on(before, 'failed-all'));
  });

  it("answers 404 for another tenant's event and an unknown one, 400 for an id no event can have, and lists only the caller's events", async () => {
    const event = refreshEvent({ dataSourceId: 'ds-1' });
    await post([event]);
    await settled();
    const stranger = await gateway('GET', `/v1/events/${encodeURIComponent(event.id)}/evaluation`, undefined, other.apiKey);
    expect(stranger.status).toBe(404);
    expect(await json(stranger)).toMatchObject({ error: 'not_found', message: expect.stringContaining(event.id) });
    expect((await gateway('GET', '/v1/events/no-such-event/evaluation')).status).toBe(404);
    expect((await gateway('GET', '/v1/events/a%00b/evaluation')).status).toBe(400);
    expect((await gateway('GET', `/v1/events/${event.id}/evaluation`, undefined, 'tl_wrong')).status).toBe(401);
    const theirs = EvaluatedEventsPage.parse(await json(await gateway('GET', '/v1/events', undefined, other.apiKey)));
    expect(theirs.events.map((e) => e.eventId)).not.toContain(event.id);
  });

  it('lists evaluated events newest first, by entity and type, in pages', async () => {
    const seen: Json[] = [];
    let cursor: string | null = null;
    do {
      const res = await gateway('GET', `/v1/events?entityId=seg-e&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const page = EvaluatedEventsPage.parse(await json(res));
      expect(page.events.length).toBeLessThanOrEqual(2);
      seen.push(...page.events);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(6);
    expect(seen.every((e) => e.entity.kind === 'segment' && e.entity.id === 'seg-e')).toBe(true);
    const keys = seen.map((e) => [e.evaluatedAt, e.eventId].join(' '));
    expect(keys).toEqual([...keys].sort().reverse());
    expect(seen.reduce((n, e) => n + e.fired, 0)).toBe(1);

    const runs = EvaluatedEventsPage.parse(await json(await gateway('GET', '/v1/events?type=refresh.completed&limit=500')));
    expect(runs.events.length).toBe(4);
    expect(runs.events.every((e) => e.type === 'refresh.completed')).toBe(true);
    expect((await gateway('GET', '/v1/events?cursor=not-a-cursor')).status).toBe(400);
  });

  it('stores and explains hostile events (extreme numbers and timestamps, odd ids) without a 5xx; refused ones are looked up with a 4xx', async () => {
    let run = 0;
    let explained = 0;
    const used = new Set<string>();
    const unique = (value: unknown) => {
      if (typeof value !== 'string') return value;
      const fresh = used.has(value.trim()) ? `${value.slice(0, 190)}#${run}` : value;
      used.add(fresh.trim());
      return fresh;
    };
    const lookUp = (id: string) => gateway('GET', `/v1/events/${encodeURIComponent(id).replace(/\./g, '%2E')}/evaluation`);
    await fc.assert(
      fc.asyncProperty(edgeEvent, async (generated) => {
        run++;
        const event = structuredClone(generated) as Json;
        event.id = unique(event.id);
        for (const key of ['dataSourceId', 'segmentId', 'measureId', 'runId']) if (key in event.data) event.data[key] = unique(event.data[key]);
        const wire = JSON.parse(JSON.stringify(event));
        const parsed = EventInput.safeParse(wire);
        // A path cannot carry a lone surrogate, nor address a dot segment: such an id is asked about as bytes no event can have.
        const addressable = typeof wire.id === 'string' && wire.id.isWellFormed() && !/^\s*\.{1,2}\s*$/.test(wire.id);
        const res = await fetch(`${services.url('ingestion')}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
          body: JSON.stringify(wire),
        });
        expect(res.status).toBe(parsed.success ? 202 : 400);
        if (!parsed.success) {
          if (addressable) expect((await lookUp(wire.id)).status).toBeLessThan(500);
          return;
        }
        await kafka.waitForGroup(kafka.groupId('tripline-evaluator', 'events'), 'events');
        if (!addressable) return;
        const answer = await lookUp(wire.id);
        expect(answer.status).toBe(200);
        const body = EventEvaluationAnswer.parse(await json(answer));
        expect(body.eventId).toBe(parsed.data.id);
        expect(utcMicros(body.occurredAt)).toBe(utcMicros(parsed.data.occurredAt));
        if (parsed.data.type === 'segment.refreshed' || parsed.data.type === 'measure.refreshed') {
          const value = parsed.data.type === 'segment.refreshed' ? parsed.data.data.memberCount : parsed.data.data.value;
          expect(body.observation).toMatchObject({ outcome: 'first', previous: null, value: value === 0 ? 0 : value });
        }
        explained++;
      }),
      { numRuns: 30, endOnFailure: true },
    );
    // Half the generated events are within the contract: the property has explained some for real.
    expect(explained).toBeGreaterThan(3);
    for (const id of ['%00', '%FF', 'a%2Fb', 'x'.repeat(5_000), '%EF%BF%BE']) {
      const res = await gateway('GET', `/v1/events/${id}/evaluation`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });
});
