import { isolatedNamespace, query, ServiceProcesses, startInProcess, type RunningService, json } from '@tripline/testing';
import { loadGatewayEnv } from './gateway.env';
import { gatewayModule } from './gateway.module';

const ADMIN_TOKEN = 'gateway-test-admin-token-0123456789';

describe('gateway, with the registry, against the real Kafka and Postgres', () => {
  const namespace = isolatedNamespace('gateway');
  let gateway: RunningService;
  let registry: ServiceProcesses;

  const call = (method: string, path: string, init: { key?: string; admin?: string; body?: unknown } = {}) =>
    fetch(`${gateway.baseUrl}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(init.key ? { 'x-api-key': init.key } : {}),
        ...(init.admin ? { authorization: `Bearer ${init.admin}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  async function newTenant(name: string): Promise<{ tenantId: string; apiKey: string }> {
    const res = await call('POST', '/v1/admin/tenants', { admin: ADMIN_TOKEN, body: { name } });
    expect(res.status).toBe(201);
    return json(res);
  }

  beforeAll(async () => {
    // The registry answers the gateway over Kafka; it runs as its own built process, as in production.
    registry = new ServiceProcesses(namespace, await ServiceProcesses.freePorts());
    await registry.start('registry');
    // No dispatcher runs here: its calls wait DISPATCHER_TIMEOUT_MS, then answer 503.
    gateway = await startInProcess('gateway', namespace, loadGatewayEnv, gatewayModule, { TRIPLINE_ADMIN_TOKEN: ADMIN_TOKEN, DISPATCHER_TIMEOUT_MS: '1000' });
  });
  afterAll(async () => {
    await gateway?.close();
    await registry?.stopAll();
  });

  describe('tenants (admin)', () => {
    it('creates a tenant and shows its API key once, storing only a hash', async () => {
      const tenant = await newTenant('Contoso');
      expect(tenant.apiKey).toMatch(/^tl_/);
      const rows = await query<{ key_hash: string; prefix: string }>('SELECT key_hash, prefix FROM api_keys WHERE tenant_id = $1', [tenant.tenantId]);
      expect(rows).toHaveLength(1);
      expect(rows[0].key_hash).not.toContain(tenant.apiKey);
      expect(tenant.apiKey).toContain(rows[0].prefix);
    });

    it('refuses a missing or wrong admin token, and names a bad body field', async () => {
      expect((await call('POST', '/v1/admin/tenants', { body: { name: 'x' } })).status).toBe(401);
      expect((await call('POST', '/v1/admin/tenants', { admin: 'not-the-token', body: { name: 'x' } })).status).toBe(401);
      const bad = await call('POST', '/v1/admin/tenants', { admin: ADMIN_TOKEN, body: { name: '' } });
      expect(bad.status).toBe(400);
      expect(await json(bad)).toMatchObject({ error: 'validation_failed', issues: [{ path: 'name' }] });
    });
  });

  it('answers 503 unavailable when the dispatcher does not answer within DISPATCHER_TIMEOUT_MS', async () => {
    const tenant = await newTenant('Northwind');
    const res = await call('GET', '/v1/subscriptions/7b0f1c3e-2a4d-4e5f-8a6b-1c2d3e4f5a6b/deliveries', { key: tenant.apiKey });
    expect(res.status).toBe(503);
    expect(await json(res)).toEqual({ error: 'unavailable', message: 'the dispatcher did not answer within 1000 ms; retry the request' });
  });

  describe('subscriptions', () => {
    let tenant: { tenantId: string; apiKey: string };
    beforeAll(async () => (tenant = await newTenant('Fabrikam')));

    it('subscribes with 201 and a Location, idempotently', async () => {
      const body = { callbackUrl: 'http://127.0.0.1:9/a', dataSourceId: 'ds-1' };
      const first = await call('POST', '/v1/subscriptions/data-source-refresh-failed', { key: tenant.apiKey, body });
      expect(first.status).toBe(201);
      const sub = await json(first);
      expect(first.headers.get('location')).toBe(`http://127.0.0.1:3000/v1/subscriptions/${sub.id}`); // TRIPLINE_PUBLIC_URL's default
      expect(sub).toMatchObject({ trigger: 'data-source-refresh-failed', callbackUrl: body.callbackUrl, dataSourceId: 'ds-1', status: 'active' });

      const again = await call('POST', '/v1/subscriptions/data-source-refresh-failed', { key: tenant.apiKey, body });
      expect(again.status).toBe(201);
      const repeated = await json(again);
      expect(repeated.id).toBe(sub.id);
      expect(repeated.secret).toBe(sub.secret); // the same call, the same answer

      // The signing secret is in the subscribe answer only, never in reads.
      const { secret, ...view } = sub;
      expect(secret).toMatch(/^whsec_/);
      const fetched = await call('GET', `/v1/subscriptions/${sub.id}`, { key: tenant.apiKey });
      expect(await json(fetched)).toEqual(view);
    });

    it('names what is wrong with a subscribe call', async () => {
      const badUrl = await call('POST', '/v1/subscriptions/data-source-refresh-failed', { key: tenant.apiKey, body: { callbackUrl: 'ftp://x' } });
      expect(badUrl.status).toBe(400);
      expect(await json(badUrl)).toMatchObject({ issues: [{ path: 'callbackUrl', message: 'must be an absolute http(s) URL' }] });

      const unknownParam = await call('POST', '/v1/subscriptions/data-source-refresh-failed', {
        key: tenant.apiKey,
        body: { callbackUrl: 'https://x.test', threshold: 3 },
      });
      expect(unknownParam.status).toBe(400);
      expect((await json(unknownParam)).message).toContain('threshold');

      const unknownTrigger = await call('POST', '/v1/subscriptions/segment-exploded', { key: tenant.apiKey, body: { callbackUrl: 'https://x.test' } });
      expect(unknownTrigger.status).toBe(400);
      expect(await json(unknownTrigger)).toMatchObject({ issues: [{ path: 'trigger' }] });
    });

    it('lists, and deletes with 204 even when the id is unknown', async () => {
      const made = await json(await call('POST', '/v1/subscriptions/data-source-refresh-succeeded', { key: tenant.apiKey, body: { callbackUrl: 'http://127.0.0.1:9/b' } }));
      const list = await json(await call('GET', '/v1/subscriptions', { key: tenant.apiKey }));
      expect(list.subscriptions.map((s: { id: string }) => s.id)).toContain(made.id);

      expect((await call('DELETE', `/v1/subscriptions/${made.id}`, { key: tenant.apiKey })).status).toBe(204);
      expect((await call('GET', `/v1/subscriptions/${made.id}`, { key: tenant.apiKey })).status).toBe(404);
      expect((await call('DELETE', `/v1/subscriptions/${made.id}`, { key: tenant.apiKey })).status).toBe(204);
      expect((await call('DELETE', '/v1/subscriptions/not-a-uuid', { key: tenant.apiKey })).status).toBe(204);
      const after = await json(await call('GET', '/v1/subscriptions', { key: tenant.apiKey }));
      expect(after.subscriptions.map((s: { id: string }) => s.id)).not.toContain(made.id);
    });

    it('never shows or deletes another tenant\'s subscription', async () => {
      const other = await newTenant('Northwind');
      const mine = await json(await call('POST', '/v1/subscriptions/data-source-refresh-failed', { key: tenant.apiKey, body: { callbackUrl: 'http://127.0.0.1:9/c' } }));
      expect((await call('GET', `/v1/subscriptions/${mine.id}`, { key: other.apiKey })).status).toBe(404);
      expect((await call('DELETE', `/v1/subscriptions/${mine.id}`, { key: other.apiKey })).status).toBe(204);
      expect((await json(await call('GET', '/v1/subscriptions', { key: other.apiKey }))).subscriptions).toEqual([]);
      expect((await call('GET', `/v1/subscriptions/${mine.id}`, { key: tenant.apiKey })).status).toBe(200);
    });

    it("counts the tenant's active subscriptions, as the registry wrote them, in the operators' tenant list", async () => {
      const { subscriptions } = await json(await call('GET', '/v1/subscriptions?limit=500', { key: tenant.apiKey }));
      const active = subscriptions.filter((s: { status: string }) => s.status === 'active').length;
      expect(active).toBeGreaterThan(0);
      let listed: { subscriptions: number; apiKeys: number } | undefined;
      let cursor: string | null = null;
      do {
        const page = await json(await call('GET', `/v1/admin/tenants?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { admin: ADMIN_TOKEN }));
        listed ??= page.tenants.find((t: { id: string }) => t.id === tenant.tenantId);
        cursor = page.nextCursor;
      } while (cursor);
      expect(listed).toMatchObject({ subscriptions: active, apiKeys: 1 });
    });

    it('refuses calls without a valid API key', async () => {
      expect((await call('GET', '/v1/subscriptions')).status).toBe(401);
      expect((await call('GET', '/v1/subscriptions', { key: 'tl_nope' })).status).toBe(401);
    });
  });
});
