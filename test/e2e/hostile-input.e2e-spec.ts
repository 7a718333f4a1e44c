import type { EventInput } from '@tripline/contracts';
import {
  fullRefreshEvent,
  json,
  pipelineSettled,
  refreshEvent,
  segmentEvent,
  startStack,
  E2E_ADMIN_TOKEN,
  type CallbackReceiver,
  type Json,
  type ServiceProcesses,
  type TestKafka,
  type TestStack,
} from '@tripline/testing';

/**
 * Input a careless or hostile tenant can send, through the five running services: each is
 * refused with a clear, final answer (or handled), and another tenant's flow still fires right
 * after it. Each case here stopped other tenants' flows before (issue 11).
 */
describe('Tripline end to end: no input stops anyone else', () => {
  let stack: TestStack;
  let services: ServiceProcesses;
  let receiver: CallbackReceiver;
  let kafka: TestKafka;
  let apiKey: string;
  let tenantId: string;
  let other: { tenantId: string; apiKey: string };

  const postEvents = (body: unknown, key = apiKey) =>
    fetch(`${services.url('ingestion')}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(body),
    });
  const gateway = (method: string, path: string, body?: unknown, key = apiKey) =>
    fetch(`${services.url('gateway')}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const onIngestTopic = (...values: string[]) => kafka.publishRaw('ingest', values.map((value) => ({ key: tenantId, value })));
  const withTenant = (event: EventInput) => JSON.stringify({ ...event, tenantId });
  const deadLetters = async () => kafka.readValues('deadLetters');

  async function subscribe(path: string, trigger: string, params: Record<string, unknown> = {}, key = apiKey): Promise<string> {
    const res = await gateway('POST', `/v1/subscriptions/${trigger}`, { callbackUrl: receiver.url(path), ...params }, key);
    expect(res.status).toBe(201);
    return (await json(res)).id;
  }

  /** Another tenant's next event still fires: nothing this test sent holds up a partition, a consumer or a slot. */
  async function probeFires(): Promise<void> {
    const probe = refreshEvent({ dataSourceId: `ds-probe-${Date.now()}` });
    expect((await postEvents(probe, other.apiKey)).status).toBe(202);
    await receiver.waitFor((all) => all.some((c) => c.path === '/probe' && (c.json as Json)?.eventId === probe.id), 30_000);
    const ready = await fetch(`${services.url('ingestion')}/health/ready`);
    expect(ready.status).toBe(200);
  }

  beforeAll(async () => {
    stack = await startStack('e2e-hostile');
    ({ services, receiver, kafka, apiKey, tenantId } = stack);
    other = await stack.createTenant('bystander');
    await subscribe('/probe', 'data-source-refresh-failed', {}, other.apiKey);
    await subscribe('/failed', 'data-source-refresh-failed');
    await subscribe('/full', 'full-refresh-completed', { includeManual: true });
  });
  afterAll(async () => stack?.stop());

  it('an id with a NUL character is refused with 400 naming the field, over HTTP and on the ingest topic', async () => {
    const poisoned = refreshEvent({ dataSourceId: 'crm\u0000contacts' });
    const res = await postEvents(poisoned);
    expect(res.status).toBe(400);
    expect((await json(res)).issues).toEqual([{ path: 'data.dataSourceId', message: expect.stringMatching(/control characters/) }]);

    await onIngestTopic(withTenant(poisoned));
    await probeFires();
    await pipelineSettled(kafka, [tenantId]);
    const letter = (await deadLetters()).find((l) => l.payload?.includes(poisoned.id));
    expect(letter?.issues).toEqual([{ path: 'data.dataSourceId', message: expect.stringMatching(/control characters/) }]);
  });

  it('timestamps Postgres cannot hold are refused naming the field; the extremes it can hold fire', async () => {
    for (const occurredAt of ['2026-11-26T10:00:00+16:00', '0000-06-01T00:00:00Z', '9999-12-31T23:59:59-01:00']) {
      const res = await postEvents({ ...refreshEvent(), occurredAt });
      expect(res.status).toBe(400);
      expect((await json(res)).issues[0].path).toBe('occurredAt');
    }
    const extremes = [
      { ...refreshEvent({ startedAt: '0001-01-01T00:00:00Z' }), occurredAt: '2026-11-26T10:00:00+15:59' },
      { ...refreshEvent({ completedAt: '9999-12-31T23:59:59.999Z' }), occurredAt: '2026-11-26T10:00:00-15:59' },
    ];
    expect((await postEvents({ events: extremes })).status).toBe(202);
    await receiver.waitFor((all) => extremes.every((e) => all.some((c) => c.path === '/failed' && (c.json as Json)?.eventId === e.id)));
    await probeFires();
  });

  it('a member count of 2^31 or more is stored, served by the segments action, and crosses a threshold', async () => {
    await subscribe('/big-segment', 'segment-threshold-crossed', { segmentId: 'seg-huge', threshold: 2 ** 33 });
    const events = [segmentEvent('seg-huge', 2 ** 31, 0), segmentEvent('seg-huge', 2 ** 40, 1)];
    expect((await postEvents({ events })).status).toBe(202);
    await receiver.waitFor((all) => all.some((c) => c.path === '/big-segment'));
    expect(receiver.at('/big-segment')[0].json).toMatchObject({ previousValue: 2 ** 31, newValue: 2 ** 40, threshold: 2 ** 33 });
    await probeFires();
    // The read model is eventually consistent: it has its own consumer group.
    await kafka.waitForGroup(kafka.groupId('tripline-gateway', 'read-model'), 'events');
    const segments = (await json(await gateway('GET', '/v1/segments'))).segments as Json[];
    expect(segments.find((s) => s.segmentId === 'seg-huge')).toMatchObject({ memberCount: 2 ** 40 });
  });

  it('an event too large to travel is refused with a final 413 naming the limit, over HTTP; on the ingest topic it is dead-lettered', async () => {
    const components = (n: number) => Array.from({ length: n }, (_, i) => ({ kind: 'segment' as const, id: `seg-${i}`, name: `Segment ${i} ${'n'.repeat(100)}`, status: 'succeeded' as const }));
    const huge = fullRefreshEvent({ components: components(10_000) }); // about 1.5 MB
    const res = await postEvents(huge);
    expect(res.status).toBe(413);
    expect(await json(res)).toMatchObject({ error: 'event_too_large', limit: 262_144, issues: [{ path: '(root)', message: expect.stringMatching(/limit is 262144 bytes/) }] });

    const over = fullRefreshEvent({ components: components(2_000) }); // about 300 KB: the broker takes it, the limit does not
    await onIngestTopic(withTenant(over));
    await probeFires();
    await pipelineSettled(kafka, [tenantId]);
    const letter = (await deadLetters()).find((l) => l.payload?.includes(over.id));
    expect(letter?.reason).toMatch(/limit is 262144 bytes \(INGEST_MAX_EVENT_BYTES\)/);
    expect(receiver.at('/full').some((c) => (c.json as Json).eventId === over.id)).toBe(false);
  });

  it('a full refresh with thousands of components fires every subscription with a bounded payload that keeps the totals', async () => {
    await subscribe('/full-2', 'full-refresh-completed', { includeManual: true });
    await subscribe('/full-3', 'full-refresh-completed', { includeManual: true });
    const components = Array.from({ length: 1_200 }, (_, i) => ({ kind: 'measure' as const, id: `m-${i}`, name: `Measure ${i} ${'n'.repeat(100)}`, status: (i === 1_111 ? 'failed' : 'succeeded') as 'failed' | 'succeeded' }));
    const event = fullRefreshEvent({ components });
    expect((await postEvents(event)).status).toBe(202);
    await receiver.waitFor((all) => ['/full', '/full-2', '/full-3'].every((p) => all.some((c) => c.path === p && (c.json as Json)?.eventId === event.id)));
    for (const path of ['/full', '/full-2', '/full-3']) {
      const callback = receiver.at(path).find((c) => (c.json as Json).eventId === event.id)!;
      expect(Buffer.byteLength(callback.body)).toBeLessThan(40 * 1024);
      expect(callback.json).toMatchObject({ componentCount: 1_200, failedComponentCount: 1, componentsTruncated: true });
      expect((callback.json as Json).components[0]).toMatchObject({ id: 'm-1111', status: 'failed' });
    }
  });

  it('a 300 KB message of junk on the ingest topic leaves a bounded dead letter, and the next good message goes through', async () => {
    const good = refreshEvent();
    await onIngestTopic('\u0001'.repeat(300 * 1024), withTenant(good));
    await receiver.waitFor((all) => all.some((c) => c.path === '/failed' && (c.json as Json)?.eventId === good.id));
    await pipelineSettled(kafka, [tenantId]);
    const letter = (await deadLetters()).find((l) => l.payloadBytes === 300 * 1024);
    expect(letter).toMatchObject({ payloadEncoding: 'utf8', payloadTruncated: true, reason: expect.stringMatching(/not JSON/) });
    await probeFires();
  });

  it('query parameters, cursors and tenant names with a NUL are refused with 400 naming the field, not a 500 from Postgres', async () => {
    for (const query of ['name=a%00b', 'since=0000-01-01T00:00:00Z']) {
      const path = query.startsWith('name') ? '/v1/segments' : '/v1/refresh-runs';
      const res = await gateway('GET', `${path}?${query}`);
      expect(res.status).toBe(400);
      expect((await json(res)).issues[0].path).toBe(query.split('=')[0]);
    }
    const cursor = Buffer.from(JSON.stringify(['a\u0000b', 'x'])).toString('base64url');
    const res = await gateway('GET', `/v1/segments?cursor=${cursor}`);
    expect(res.status).toBe(400);
    expect((await json(res)).issues[0].path).toBe('cursor');
    const tenant = await fetch(`${services.url('gateway')}/v1/admin/tenants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${E2E_ADMIN_TOKEN}` },
      body: JSON.stringify({ name: 'Contoso\u0000' }),
    });
    expect(tenant.status).toBe(400);
  });
});
