import { ApiKeyUsage } from '@tripline/tenancy';
import { createTenant, isolatedNamespace, query, refreshEvent, startInProcess, TestKafka, type RunningService, type TestTenant, json } from '@tripline/testing';
import { loadIngestionEnv } from './ingestion.env';
import { ingestionModule } from './ingestion.module';

describe('ingestion, against the real Kafka and Postgres', () => {
  const namespace = isolatedNamespace('ingestion');
  let service: RunningService;
  let kafka: TestKafka;
  let tenant: TestTenant;

  const post = (body: unknown, apiKey: string | null = tenant.apiKey) =>
    fetch(`${service.baseUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    tenant = await createTenant('ingestion test');
    service = await startInProcess('ingestion', namespace, loadIngestionEnv, ingestionModule, { INGEST_MAX_BATCH: '3' });
    kafka = new TestKafka(namespace);
  });
  afterAll(async () => {
    await kafka?.close();
    await service?.close();
  });

  it('answers 202 once the event is on the events topic, stamped with the tenant and keyed by entity', async () => {
    const event = refreshEvent({ dataSourceId: 'ds-http' });
    const res = await post(event);
    expect(res.status).toBe(202);
    expect(await json(res)).toEqual({ accepted: 1 });

    const records = (await kafka.readAll('events')).filter((r) => r.value?.includes(event.id));
    expect(records).toHaveLength(1);
    expect(records[0].key).toBe(`${tenant.tenantId}:dataSource:ds-http`);
    expect(JSON.parse(records[0].value!)).toMatchObject({ ...event, tenantId: tenant.tenantId, source: 'http' });
  });

  it('accepts a batch of events up to the limit, and refuses a larger one', async () => {
    const batch = [refreshEvent(), refreshEvent({ status: 'succeeded' })];
    const res = await post({ events: batch });
    expect(await json(res)).toEqual({ accepted: 2 });
    const ids = (await kafka.readValues('events')).map((e) => e.id);
    expect(ids).toEqual(expect.arrayContaining(batch.map((e) => e.id)));

    const tooMany = await post({ events: [refreshEvent(), refreshEvent(), refreshEvent(), refreshEvent()] });
    expect(tooMany.status).toBe(400);
    expect(await json(tooMany)).toMatchObject({ issues: [{ path: 'events', message: 'at most 3 events per request, got 4' }] });
  });

  it('refuses a malformed event with a 400 naming each bad field, publishes nothing of it, and takes the next', async () => {
    const bad = refreshEvent();
    const res = await post({ events: [bad, { ...refreshEvent(), data: { ...refreshEvent().data, status: 'exploded', completedAt: 'yesterday' } }] });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error).toBe('validation_failed');
    expect(body.issues.map((i: { path: string }) => i.path)).toEqual(['events[1].data.status', 'events[1].data.completedAt']);

    const notJson = await post('{"id": ');
    expect(notJson.status).toBe(400);

    const good = refreshEvent();
    expect((await post(good)).status).toBe(202);
    const ids = (await kafka.readValues('events')).map((e) => e.id);
    expect(ids).toContain(good.id);
    expect(ids).not.toContain(bad.id);
  });

  it("records when the key was last used, for its tenant's list of keys (a key used only here must not look unused)", async () => {
    expect((await post(refreshEvent())).status).toBe(202);
    await service.app.get(ApiKeyUsage).flush();
    const [key] = await query<{ last_used_at: Date | null }>('SELECT last_used_at FROM api_keys WHERE tenant_id = $1', [tenant.tenantId]);
    expect(key.last_used_at).toBeInstanceOf(Date);
  });

  it('refuses requests without a valid API key', async () => {
    const missing = await post(refreshEvent(), null);
    expect(missing.status).toBe(401);
    expect(await json(missing)).toMatchObject({ message: 'missing X-API-Key header' });
    const wrong = await post(refreshEvent(), tenant.apiKey.slice(0, -2) + 'xx');
    expect(wrong.status).toBe(401);
    expect(await json(wrong)).toMatchObject({ message: 'invalid API key' });
  });

  it('validates the Kafka ingest topic: bad messages are dead-lettered with the reason and the next good one goes through', async () => {
    const stranger = '7d5e1f7c-0000-4000-8000-000000000000';
    const unknownTenant = { ...refreshEvent(), tenantId: stranger };
    const missingFields = { ...refreshEvent(), tenantId: tenant.tenantId, data: { dataSourceId: 'ds-x' } };
    const good = { ...refreshEvent({ dataSourceId: 'ds-kafka' }), tenantId: tenant.tenantId };
    await kafka.publishRaw('ingest', [
      { key: 'a', value: 'this is not json' },
      { key: 'b', value: JSON.stringify(missingFields) },
      { key: 'c', value: JSON.stringify(unknownTenant) },
      { key: 'd', value: JSON.stringify(good) },
    ]);
    await kafka.waitForGroup(kafka.groupId('tripline-ingestion', 'ingest'), 'ingest');

    const letters = await kafka.readValues('deadLetters');
    expect(letters).toHaveLength(3);
    const byKey = new Map(letters.map((l) => [l.key, l]));
    expect(byKey.get('a')?.reason).toMatch(/^value is not JSON/);
    expect(byKey.get('a')?.payload).toBe('this is not json');
    expect(byKey.get('b')?.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['data.dataSourceName', 'data.runId', 'data.status']),
    );
    expect(byKey.get('c')?.reason).toBe(`unknown tenantId ${stranger}`);
    expect(byKey.get('c')?.source.topic).toBe(kafka.topicName('ingest'));
    expect(byKey.has('d')).toBe(false);

    const accepted = (await kafka.readValues('events')).find((e) => e.id === good.id);
    expect(accepted).toMatchObject({ tenantId: tenant.tenantId, source: 'kafka', data: { dataSourceId: 'ds-kafka' } });
  });

  it('dead-letters a burst of bad messages larger than one Kafka request, losing none, and goes on', async () => {
    const before = (await kafka.readValues('deadLetters')).length;
    const padding = 'x'.repeat(3_000);
    // One key: one partition, so the dead letters of one batch exceed what one request may carry there.
    const burst = Array.from({ length: 600 }, (_, n) => ({ key: "burst", value: JSON.stringify({ n, tenantId: tenant.tenantId, note: padding }) }));
    const good = { ...refreshEvent({ dataSourceId: 'ds-after-burst' }), tenantId: tenant.tenantId };
    await kafka.publishRaw('ingest', [...burst, { key: 'after-burst', value: JSON.stringify(good) }]);
    await kafka.waitForGroup(kafka.groupId('tripline-ingestion', 'ingest'), 'ingest');
    expect((await kafka.readValues('deadLetters')).length - before).toBe(600);
    expect((await kafka.readValues('events')).map((e) => e.id)).toContain(good.id);
  });
});
