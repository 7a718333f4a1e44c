import {
  json,
  pipelineSettled,
  refreshEvent,
  startStack,
  type CallbackReceiver,
  type ServiceProcesses,
  type TestKafka,
  type TestStack,
} from '@tripline/testing';

/**
 * The whole product, as a user meets it: the five built services as separate processes, the
 * real broker and database, a local receiver standing in for Power Automate.
 */
describe('Tripline end to end: five services, real Kafka and Postgres', () => {
  let stack: TestStack;
  let services: ServiceProcesses;
  let receiver: CallbackReceiver;
  let kafka: TestKafka;
  let apiKey: string;
  let tenantId: string;
  const subscriptionIds: Record<string, string> = {};

  const gateway = (method: string, path: string, body?: unknown, key = apiKey) =>
    fetch(`${services.url('gateway')}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const postEvents = (body: unknown, key = apiKey) =>
    fetch(`${services.url('ingestion')}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(body),
    });

  /** What each callback path received, as [path, eventId] pairs, in arrival order per path. */
  const received = () => receiver.received.map((c) => [c.path, (c.json as { eventId: string }).eventId]);

  async function subscribe(name: string, trigger: string, params: Record<string, string> = {}) {
    const res = await gateway('POST', `/v1/subscriptions/${trigger}`, { callbackUrl: receiver.url(`/${name}`), ...params });
    expect(res.status).toBe(201);
    subscriptionIds[name] = (await json(res)).id;
  }

  beforeAll(async () => {
    stack = await startStack('e2e');
    ({ services, receiver, kafka, apiKey, tenantId } = stack);

    await subscribe('failed', 'data-source-refresh-failed');
    await subscribe('failed-crm', 'data-source-refresh-failed', { dataSourceId: 'ds-crm' });
    await subscribe('succeeded', 'data-source-refresh-succeeded');
  });

  afterAll(async () => stack?.stop());

  it('delivers a failed refresh posted over HTTP to exactly the matching subscriptions, with the documented payload', async () => {
    const event = refreshEvent({ dataSourceId: 'ds-crm', dataSourceName: 'CRM contacts', status: 'failed' });
    expect((await postEvents(event)).status).toBe(202);
    await pipelineSettled(kafka, [tenantId]);

    expect(received().sort()).toEqual([
      ['/failed', event.id],
      ['/failed-crm', event.id],
    ]);
    const callback = receiver.at('/failed-crm')[0];
    expect(callback.headers['webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(callback.json).toEqual({
      eventId: event.id,
      trigger: 'data-source-refresh-failed',
      tenantId,
      subscriptionId: subscriptionIds['failed-crm'],
      occurredAt: event.occurredAt,
      dataSourceId: 'ds-crm',
      dataSourceName: 'CRM contacts',
      runId: event.data.runId,
      status: 'failed',
      startedAt: event.data.startedAt,
      completedAt: event.data.completedAt,
      errorCode: 'SOURCE_AUTH',
      errorMessage: 'credentials expired',
    });
  });

  it('delivers a failed refresh published on the Kafka ingest topic by any producer', async () => {
    receiver.received.length = 0;
    const event = { ...refreshEvent({ dataSourceId: 'ds-erp', status: 'timed_out' }), tenantId };
    await kafka.publishRaw('ingest', [{ key: `${tenantId}:ds-erp`, value: JSON.stringify(event) }]);
    await pipelineSettled(kafka, [tenantId]);
    expect(received()).toEqual([['/failed', event.id]]);
  });

  it('fires only the succeeded subscription for a success, and nothing for a retrying refresh', async () => {
    receiver.received.length = 0;
    const ok = refreshEvent({ status: 'succeeded' });
    const retrying = refreshEvent({ status: 'retrying' });
    expect(await json(await postEvents({ events: [ok, retrying] }))).toEqual({ accepted: 2 });
    await pipelineSettled(kafka, [tenantId]);
    expect(received()).toEqual([['/succeeded', ok.id]]);
  });

  it('refuses malformed events (400 naming the fields; dead letter on Kafka) and the next valid event goes through', async () => {
    receiver.received.length = 0;
    const bad = await postEvents({ ...refreshEvent(), occurredAt: 'last tuesday', data: { ...refreshEvent().data, dataSourceId: '' } });
    expect(bad.status).toBe(400);
    expect((await json(bad)).issues.map((i: { path: string }) => i.path).sort()).toEqual(['data.dataSourceId', 'occurredAt']);

    const next = { ...refreshEvent({ dataSourceId: 'ds-web' }), tenantId };
    await kafka.publishRaw('ingest', [
      { key: 'poison', value: '{"type": "datasource.refresh.completed", "tenantId": 42' },
      { key: `${tenantId}:ds-web`, value: JSON.stringify(next) },
    ]);
    await pipelineSettled(kafka, [tenantId]);
    expect(received()).toEqual([['/failed', next.id]]);
    const letters = (await kafka.readValues('deadLetters')).filter((l) => l.key === 'poison');
    expect(letters).toHaveLength(1);
    expect(letters[0].reason).toMatch(/not JSON/);
  });

  it('never fires one tenant\'s subscriptions with another tenant\'s events', async () => {
    receiver.received.length = 0;
    const { apiKey: otherKey } = await stack.createTenant('Other Ltd.');
    expect((await postEvents(refreshEvent({ dataSourceId: 'ds-crm' }), otherKey)).status).toBe(202);
    await pipelineSettled(kafka, [tenantId]);
    expect(received()).toEqual([]);
  });

  it('fires nothing for a subscription after it is deleted', async () => {
    receiver.received.length = 0;
    expect((await gateway('DELETE', `/v1/subscriptions/${subscriptionIds['failed-crm']}`)).status).toBe(204);
    const event = refreshEvent({ dataSourceId: 'ds-crm' });
    expect((await postEvents(event)).status).toBe(202);
    await pipelineSettled(kafka, [tenantId]);
    expect(received()).toEqual([['/failed', event.id]]);
  });

  it('disables a subscription whose callback answers 410 (the flow is gone), and stops calling it', async () => {
    receiver.received.length = 0;
    receiver.respondWith((c) => (c.path === '/succeeded' ? 410 : 200));
    const first = refreshEvent({ status: 'succeeded' });
    await postEvents(first);
    await pipelineSettled(kafka, [tenantId]);
    expect(received()).toEqual([['/succeeded', first.id]]);

    await kafka.waitForGroup(kafka.groupId('tripline-registry', 'outcomes'), 'deliveryOutcomes');
    const sub = await json(await gateway('GET', `/v1/subscriptions/${subscriptionIds['succeeded']}`));
    expect(sub).toMatchObject({ status: 'disabled', disabledReason: 'callback answered 410: the flow no longer exists' });

    const second = refreshEvent({ status: 'succeeded' });
    await postEvents(second);
    await pipelineSettled(kafka, [tenantId]);
    expect(received()).toEqual([['/succeeded', first.id]]);
  });
});
