import { ErrorBody, EVENT_TYPES, IngestMessage } from '@tripline/contracts';
import { isolatedNamespace, json, startInProcess, TestKafka, type RunningService } from '@tripline/testing';
import { loadGatewayEnv } from '../gateway.env';
import { gatewayModule } from '../gateway.module';

const ADMIN_TOKEN = 'test-events-admin-token-0123456789';
const PUBLIC_URL = 'https://tripline.contoso.example';

interface CallOptions {
  key?: string;
  cookie?: string;
  csrf?: string;
  origin?: string;
  tenant?: string;
  admin?: string;
}

describe('POST /v1/console/test-events, against the real Kafka and Postgres', () => {
  const namespace = isolatedNamespace('test-events');
  let gateway: RunningService;
  let kafka: TestKafka;
  let tenant: { tenantId: string; apiKey: string };

  const call = (method: string, path: string, body?: unknown, o: CallOptions = {}) =>
    fetch(`${gateway.baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(o.key ? { 'x-api-key': o.key } : {}),
        ...(o.cookie ? { cookie: o.cookie } : {}),
        ...(o.csrf ? { 'x-csrf-token': o.csrf } : {}),
        ...(o.origin ? { origin: o.origin } : {}),
        ...(o.tenant ? { 'x-tenant-id': o.tenant } : {}),
        ...(o.admin ? { authorization: `Bearer ${o.admin}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const sendTest = (body: unknown, o: CallOptions) => call('POST', '/v1/console/test-events', body, o);

  async function refused(res: Response, status: number, error: ErrorBody['error']): Promise<ErrorBody> {
    const body = ErrorBody.parse(await json(res));
    expect([res.status, body.error]).toEqual([status, error]);
    return body;
  }

  async function signIn(body: object): Promise<{ cookie: string; csrfToken: string }> {
    const res = await call('POST', '/v1/console/session', body, { origin: PUBLIC_URL });
    expect(res.status).toBe(201);
    const cookie = /^(tripline_session=[^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    if (!cookie) throw new Error('no session cookie was set');
    return { cookie, csrfToken: (await json(res)).csrfToken };
  }

  /** The messages on the ingest topic with these event ids, parsed by its contract, with their keys. */
  async function published(eventIds: string[]) {
    const records = await kafka.readAll('ingest');
    return records
      .map((r) => ({ key: r.key, value: IngestMessage.parse(JSON.parse(r.value ?? 'null')) }))
      .filter((m) => eventIds.includes(m.value.id))
      .sort((a, b) => eventIds.indexOf(a.value.id) - eventIds.indexOf(b.value.id));
  }

  beforeAll(async () => {
    gateway = await startInProcess('gateway', namespace, loadGatewayEnv, gatewayModule, { TRIPLINE_ADMIN_TOKEN: ADMIN_TOKEN, TRIPLINE_PUBLIC_URL: PUBLIC_URL });
    kafka = new TestKafka(namespace);
    const made = await call('POST', '/v1/admin/tenants', { name: 'Test events' }, { admin: ADMIN_TOKEN });
    expect(made.status).toBe(201);
    tenant = await json(made);
  });
  afterAll(async () => {
    await kafka?.close();
    await gateway?.close();
  });

  it('puts a valid sample of each event type on the ingest topic for the caller\'s tenant, keyed by tenant and entity, and answers 202 with its id', async () => {
    const answers = [];
    for (const type of EVENT_TYPES) {
      const res = await sendTest({ type }, { key: tenant.apiKey });
      expect(res.status).toBe(202);
      answers.push(await json(res));
    }
    for (const [i, answer] of answers.entries()) {
      expect(answer).toEqual({ eventId: expect.stringMatching(/^test-[0-9a-f-]{36}$/), type: EVENT_TYPES[i], entity: { kind: expect.any(String), id: expect.any(String) }, occurredAt: expect.any(String) });
    }
    const messages = await published(answers.map((a) => a.eventId));
    expect(messages.map((m) => m.value.type)).toEqual([...EVENT_TYPES]);
    for (const [i, { key, value }] of messages.entries()) {
      expect(value.tenantId).toBe(tenant.tenantId);
      expect(key).toBe(`${tenant.tenantId}:${answers[i].entity.kind}:${answers[i].entity.id}`);
    }
    expect(messages[0].value).toMatchObject({ data: { dataSourceId: 'test-data-source', status: 'failed' } });
  });

  it('makes the sample of the entity, value and status asked for', async () => {
    const res = await sendTest({ type: 'segment.refreshed', entityId: 'vip-customers', value: 120 }, { key: tenant.apiKey });
    expect(res.status).toBe(202);
    const { eventId, entity } = await json(res);
    expect(entity).toEqual({ kind: 'segment', id: 'vip-customers' });
    const [message] = await published([eventId]);
    expect(message.value).toMatchObject({ type: 'segment.refreshed', data: { segmentId: 'vip-customers', memberCount: 120 } });
  });

  it('refuses a bad request with 400, naming the field: an unknown type, a value or status the type does not have', async () => {
    const unknown = await refused(await sendTest({ type: 'order.placed' }, { key: tenant.apiKey }), 400, 'validation_failed');
    expect(unknown.issues).toEqual([expect.objectContaining({ path: 'type' })]);
    expect((await refused(await sendTest({}, { key: tenant.apiKey }), 400, 'validation_failed')).issues).toEqual([expect.objectContaining({ path: 'type' })]);
    const value = await refused(await sendTest({ type: 'refresh.completed', value: 3 }, { key: tenant.apiKey }), 400, 'validation_failed');
    expect(value.issues).toEqual([expect.objectContaining({ path: 'value' })]);
    const status = await refused(await sendTest({ type: 'measure.refreshed', status: 'failed' }, { key: tenant.apiKey }), 400, 'validation_failed');
    expect(status.issues).toEqual([expect.objectContaining({ path: 'status' })]);
  });

  it("takes the console's session, and its CSRF token on this write: without it, or from another site, 403", async () => {
    await refused(await sendTest({ type: 'measure.refreshed' }, {}), 401, 'unauthorized');
    await refused(await sendTest({ type: 'measure.refreshed' }, { key: 'tl_wrong' }), 401, 'unauthorized');
    const session = await signIn({ apiKey: tenant.apiKey });
    const noToken = await refused(await sendTest({ type: 'measure.refreshed' }, { cookie: session.cookie }), 403, 'forbidden');
    expect(noToken.message).toMatch(/X-CSRF-Token/);
    await refused(await sendTest({ type: 'measure.refreshed' }, { cookie: session.cookie, csrf: 'not-the-token' }), 403, 'forbidden');
    await refused(await sendTest({ type: 'measure.refreshed' }, { cookie: session.cookie, csrf: session.csrfToken, origin: 'https://evil.example' }), 403, 'forbidden');
    const res = await sendTest({ type: 'measure.refreshed', value: 2.5 }, { cookie: session.cookie, csrf: session.csrfToken, origin: PUBLIC_URL });
    expect(res.status).toBe(202);
    const [message] = await published([(await json(res)).eventId]);
    expect(message.value).toMatchObject({ tenantId: tenant.tenantId, data: { value: 2.5 } });
  });

  it("sends an operator's test event for the tenant it acts for (X-Tenant-Id), never for none", async () => {
    const operator = await signIn({ adminToken: ADMIN_TOKEN });
    const as = { cookie: operator.cookie, csrf: operator.csrfToken };
    await refused(await sendTest({ type: 'unification.completed' }, as), 400, 'validation_failed');
    const res = await sendTest({ type: 'unification.completed' }, { ...as, tenant: tenant.tenantId });
    expect(res.status).toBe(202);
    const [message] = await published([(await json(res)).eventId]);
    expect(message.value.tenantId).toBe(tenant.tenantId);
  });
});
