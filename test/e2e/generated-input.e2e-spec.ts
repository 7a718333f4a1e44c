import { CallbackUrl, EventInput, TriggerParams, type TriggerName } from '@tripline/contracts';
import {
  edgeCount,
  edgeEvent,
  edgeNumber,
  edgeText,
  json,
  pipelineSettled,
  refreshEvent,
  startStack,
  type CallbackReceiver,
  type Json,
  type ServiceProcesses,
  type TestKafka,
  type TestStack,
} from '@tripline/testing';
import fc from 'fast-check';

/**
 * Property-based, through the five running services: events and subscribe calls generated at
 * every edge the contracts draw (and just past them) are each either refused with a 4xx (a dead
 * letter on Kafka) or accepted and fire exactly the callbacks they should; and after each one, a
 * bystander tenant's event still fires. The contract is the oracle for valid or not; the
 * services must agree with it and must process whatever it accepts.
 */
describe('Tripline end to end: generated hostile input', () => {
  let stack: TestStack;
  let services: ServiceProcesses;
  let receiver: CallbackReceiver;
  let kafka: TestKafka;
  let apiKey: string;
  let tenantId: string;
  let bystander: { tenantId: string; apiKey: string };
  const catchAll: Record<string, string> = {};
  let run = 0;

  const post = (service: 'gateway' | 'ingestion', path: string, body: unknown, key = apiKey) =>
    fetch(`${services.url(service)}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(body),
    });

  async function subscribe(trigger: TriggerName, body: Record<string, unknown>, key = apiKey): Promise<Response> {
    return post('gateway', `/v1/subscriptions/${trigger}`, body, key);
  }

  /** The callbacks tenant A got for one event, as the subscriptions they were for. */
  const firedFor = (eventId: string) =>
    new Set(receiver.received.filter((c) => (c.json as Json)?.tenantId === tenantId && (c.json as Json)?.eventId === eventId).map((c) => (c.json as Json).subscriptionId as string));

  async function bystanderStillFires(): Promise<void> {
    const probe = refreshEvent({ dataSourceId: `ds-probe-${run}` });
    expect((await post('ingestion', '/v1/events', probe, bystander.apiKey)).status).toBe(202);
    await receiver.waitFor((all) => all.some((c) => c.path === '/bystander' && (c.json as Json)?.eventId === probe.id), 30_000);
  }

  /** Ids already used in this run of the property: a reused event or run id is (correctly) de-duplicated, so each value is made unique. */
  const used = new Set<string>();
  function unique(value: unknown): unknown {
    if (typeof value !== 'string') return value;
    const normalized = value.trim();
    if (!used.has(normalized)) {
      used.add(normalized);
      return value;
    }
    const fresh = `${value}#${run}`;
    used.add(fresh.trim());
    return fresh;
  }

  beforeAll(async () => {
    stack = await startStack('e2e-generated');
    ({ services, receiver, kafka, apiKey, tenantId } = stack);
    bystander = await stack.createTenant('bystander');
    expect((await subscribe('data-source-refresh-failed', { callbackUrl: receiver.url('/bystander') }, bystander.apiKey)).status).toBe(201);
    const subscriptions: Array<[string, TriggerName, Record<string, unknown>]> = [
      ['failed', 'data-source-refresh-failed', {}],
      ['succeeded', 'data-source-refresh-succeeded', {}],
      ['full', 'full-refresh-completed', { includeManual: true }],
      ['unification', 'unification-completed', {}],
    ];
    for (const [name, trigger, params] of subscriptions) {
      const res = await subscribe(trigger, { callbackUrl: receiver.url(`/${name}`), ...params });
      expect(res.status).toBe(201);
      catchAll[name] = (await json(res)).id;
    }
  });
  afterAll(async () => stack?.stop());

  /** The subscriptions of tenant A an accepted event must fire (threshold ones are made per run, below). */
  function expectedCatchAll(event: EventInput): string[] {
    switch (event.type) {
      case 'datasource.refresh.completed':
        if (['failed', 'timed_out', 'skipped'].includes(event.data.status)) return [catchAll.failed];
        return event.data.status === 'succeeded' ? [catchAll.succeeded] : [];
      case 'refresh.completed':
        return event.data.scope === 'full' ? [catchAll.full] : [];
      case 'unification.completed':
        return [catchAll.unification];
      default:
        return [];
    }
  }

  it('every generated event is refused with a 4xx or dead letter, or fires exactly what it should; a bystander still fires after each', async () => {
    await fc.assert(
      fc.asyncProperty(edgeEvent, fc.oneof(edgeCount, edgeNumber), fc.boolean(), async (generated, threshold, overKafka) => {
        run++;
        const event = structuredClone(generated) as Json;
        event.id = unique(event.id);
        if (event.data.runId !== undefined) event.data.runId = unique(event.data.runId);
        for (const key of ['dataSourceId', 'segmentId', 'measureId']) if (key in event.data) event.data[key] = unique(event.data[key]);
        // What goes over the wire is JSON: Infinity becomes null, -0 becomes 0.
        const wire = JSON.parse(JSON.stringify(event));
        const parsed = EventInput.safeParse(wire);

        // Threshold events fire against a subscription on their entity, crossing from a baseline at the threshold.
        const expected = new Set(parsed.success ? expectedCatchAll(parsed.data) : []);
        if (parsed.success && (parsed.data.type === 'segment.refreshed' || parsed.data.type === 'measure.refreshed')) {
          const segment = parsed.data.type === 'segment.refreshed';
          const trigger = segment ? 'segment-threshold-crossed' : 'measure-threshold-crossed';
          const data = parsed.data.data as { segmentId?: string; measureId?: string };
          const entity = segment ? { segmentId: data.segmentId } : { measureId: data.measureId };
          const params = TriggerParams[trigger].safeParse({ ...entity, threshold });
          const res = await subscribe(trigger, { callbackUrl: receiver.url(`/threshold-${run}`), ...entity, threshold });
          expect(res.status).toBe(params.success ? 201 : 400);
          if (params.success) {
            const baselineAt = '0001-01-01T00:00:00Z';
            const base = segment
              ? { id: `base-${run}`, type: 'segment.refreshed', occurredAt: baselineAt, data: { segmentId: entity.segmentId, segmentName: 'baseline', memberCount: threshold } }
              : { id: `base-${run}`, type: 'measure.refreshed', occurredAt: baselineAt, data: { measureId: entity.measureId, measureName: 'baseline', value: threshold } };
            expect((await post('ingestion', '/v1/events', base)).status).toBe(202);
            await pipelineSettled(kafka, [tenantId]);
            const value = segment ? (parsed.data.data as { memberCount: number }).memberCount : (parsed.data.data as { value: number }).value;
            const later = Date.parse(parsed.data.occurredAt) > Date.parse(baselineAt);
            if (later && value > threshold) expected.add((await json(res)).id);
          }
        }

        const key = `generated-${run}`;
        if (overKafka) {
          await kafka.publishRaw('ingest', [{ key, value: JSON.stringify({ ...wire, tenantId }) }]);
        } else {
          const res = await post('ingestion', '/v1/events', wire);
          expect(res.status).toBe(parsed.success ? 202 : 400);
          if (!parsed.success) expect((await json(res)).issues.length).toBeGreaterThan(0);
        }
        await pipelineSettled(kafka, [tenantId]);
        if (overKafka) {
          const letters = (await kafka.readValues('deadLetters')).filter((l) => l.key === key);
          expect(letters.length).toBe(parsed.success ? 0 : 1);
        }
        if (parsed.success) expect(firedFor(parsed.data.id)).toEqual(expected);
        await bystanderStillFires();
      }),
      { numRuns: 40, endOnFailure: true },
    );
  });

  /** Callback URLs at the edges: on the test receiver (so a valid one can be called back), with odd paths and Power Automate-like queries, or not URLs at all. */
  const callbackUrl = (base: string) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.tuple(edgeText(), fc.option(edgeText(), { nil: undefined })).map(([path, sig]) => `${base}/${path}${sig === undefined ? '' : `?api-version=2016-06-01&sig=${sig}`}`) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          `${base}/a\u0000b`,
          `${base}/${'p'.repeat(2100)}`,
          `${base}/ok path with spaces`,
          'http://[::10.0.0.1]/',
          'http://10.1.2.3/flow',
          'javascript:alert(1)',
          'ftp://127.0.0.1/x',
          'not a url',
        ),
      },
    );

  it('every generated subscribe call is refused with a 4xx, or subscribes and is called back; a bystander still subscribes after each', async () => {
    const base = receiver.url('').replace(/\/$/, '');
    await fc.assert(
      fc.asyncProperty(
        callbackUrl(base),
        fc.constantFrom<TriggerName>('data-source-refresh-failed', 'segment-threshold-crossed', 'measure-threshold-crossed'),
        edgeText(),
        fc.oneof(edgeCount, edgeNumber),
        async (url, trigger, entityId, threshold) => {
          run++;
          const entity = unique(entityId) as string;
          const params =
            trigger === 'data-source-refresh-failed' ? { dataSourceId: entity } : trigger === 'segment-threshold-crossed' ? { segmentId: entity, threshold } : { measureId: entity, threshold };
          const body = JSON.parse(JSON.stringify({ callbackUrl: url, ...params }));
          const valid = TriggerParams[trigger].extend({ callbackUrl: CallbackUrl }).strict().safeParse(body).success;
          const reachable = valid && new URL(body.callbackUrl).hostname === '127.0.0.1';
          const res = await subscribe(trigger, body);
          if (reachable) expect(res.status).toBe(201);
          else expect([400, 422]).toContain(res.status);

          if (res.status === 201 && trigger === 'data-source-refresh-failed') {
            const subscriptionId = (await json(res)).id;
            const event = refreshEvent({ dataSourceId: entity.trim() });
            expect((await post('ingestion', '/v1/events', event)).status).toBe(202);
            await receiver.waitFor((all) => all.some((c) => (c.json as Json)?.subscriptionId === subscriptionId && (c.json as Json)?.eventId === event.id), 30_000);
          }
          const probe = await subscribe('data-source-refresh-failed', { callbackUrl: receiver.url(`/bystander-${run}`) }, bystander.apiKey);
          expect(probe.status).toBe(201);
        },
      ),
      { numRuns: 30, endOnFailure: true },
    );
  });
});
