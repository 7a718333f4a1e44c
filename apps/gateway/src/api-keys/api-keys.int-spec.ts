import { ErrorBody } from '@tripline/contracts';
import { ApiKeyUsage } from '@tripline/tenancy';
import { createTenant, edgeText, isolatedNamespace, json, query, startInProcess, type Json, type RunningService } from '@tripline/testing';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { loadGatewayEnv } from '../gateway.env';
import { gatewayModule } from '../gateway.module';
import { TenantApiKeys } from './tenant-api-keys';

const ADMIN_TOKEN = 'api-keys-admin-token-0123456789';

interface CallOptions {
  key?: string;
  admin?: string;
  cookie?: string;
  csrf?: string;
  tenant?: string;
  body?: unknown;
  /** A body sent as it is, not as JSON of it. */
  raw?: string;
}

interface Tenant {
  tenantId: string;
  apiKey: string;
}

interface Issued {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  apiKey: string;
}

describe('self-service API keys, against the real Postgres', () => {
  const namespace = isolatedNamespace('api-keys');
  let gateway: RunningService;

  const call = (method: string, path: string, o: CallOptions = {}) =>
    fetch(`${gateway.baseUrl}${path}`, {
      method,
      headers: {
        ...(o.body !== undefined || o.raw !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(o.key ? { 'x-api-key': o.key } : {}),
        ...(o.admin ? { authorization: `Bearer ${o.admin}` } : {}),
        ...(o.cookie ? { cookie: o.cookie } : {}),
        ...(o.csrf ? { 'x-csrf-token': o.csrf } : {}),
        ...(o.tenant ? { 'x-tenant-id': o.tenant } : {}),
      },
      body: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
    });

  /** An error answer: the catalogue's shape, with the status and code expected. */
  async function refused(res: Response, status: number, error: ErrorBody['error']): Promise<ErrorBody> {
    const body = ErrorBody.parse(await json(res));
    expect([res.status, body.error]).toEqual([status, error]);
    return body;
  }

  async function newTenant(name: string): Promise<Tenant> {
    const res = await call('POST', '/v1/admin/tenants', { admin: ADMIN_TOKEN, body: { name } });
    expect(res.status).toBe(201);
    return json(res);
  }

  async function createKey(key: string, name: string): Promise<Issued> {
    const res = await call('POST', '/v1/api-keys', { key, body: { name } });
    expect(res.status).toBe(201);
    return json(res);
  }

  async function listKeys(key: string): Promise<Json[]> {
    const res = await call('GET', '/v1/api-keys', { key });
    expect(res.status).toBe(200);
    return (await json(res)).apiKeys;
  }

  async function signIn(body: object): Promise<{ cookie: string; csrfToken: string }> {
    const res = await call('POST', '/v1/console/session', { body });
    expect(res.status).toBe(201);
    const cookie = /^(tripline_session=[^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    if (!cookie) throw new Error('no session cookie was set');
    return { cookie, csrfToken: (await json(res)).csrfToken };
  }

  /**
   * Requests at once, so that the gateway's Postgres pool holds open connections for the racing
   * requests that follow: otherwise each waits for a connection of its own to open, and they
   * reach the database one after another, racing nothing.
   */
  const warmPool = (key: string) => Promise.all(Array.from({ length: 10 }, () => call('GET', '/v1/api-keys', { key })));

  const idOf = async (tenant: Tenant) => (await listKeys(tenant.apiKey)).find((k) => tenant.apiKey.startsWith(`tl_${k.prefix}_`))?.id as string;

  beforeAll(async () => {
    gateway = await startInProcess('gateway', namespace, loadGatewayEnv, gatewayModule, { TRIPLINE_ADMIN_TOKEN: ADMIN_TOKEN });
  });
  afterAll(async () => gateway?.close());

  it("lists the tenant's keys newest first, the key made with the tenant named 'default', never a key or a hash", async () => {
    const tenant = await newTenant('Contoso keys');
    const made = await createKey(tenant.apiKey, '  CI pipeline  ');
    expect(made).toEqual({ id: expect.any(String), name: 'CI pipeline', prefix: expect.stringMatching(/^[a-z0-9]{12}$/), createdAt: expect.any(String), apiKey: expect.stringMatching(/^tl_/) });
    expect(made.apiKey.startsWith(`tl_${made.prefix}_`)).toBe(true);

    await gateway.app.get(ApiKeyUsage).flush(); // the tenant's key made the key: a use
    const res = await call('GET', '/v1/api-keys', { key: tenant.apiKey });
    const text = await res.text();
    const { apiKeys, nextCursor } = JSON.parse(text) as { apiKeys: Json[]; nextCursor: string | null };
    expect(nextCursor).toBeNull();
    expect(apiKeys).toEqual([
      { id: made.id, name: 'CI pipeline', prefix: made.prefix, createdAt: made.createdAt, revokedAt: null, lastUsedAt: null },
      { id: expect.any(String), name: 'default', prefix: expect.any(String), createdAt: expect.any(String), revokedAt: null, lastUsedAt: expect.any(String) },
    ]);
    const hashes = await query<{ key_hash: string }>('SELECT key_hash FROM api_keys WHERE tenant_id = $1', [tenant.tenantId]);
    for (const secret of [made.apiKey, tenant.apiKey, ...hashes.map((h) => h.key_hash)]) expect(text).not.toContain(secret);
  });

  it("names 'default' a key written before keys had names (the column's default)", async () => {
    const tenant = await createTenant('Written without a name');
    expect((await listKeys(tenant.apiKey)).map((k) => k.name)).toEqual(['default']);
  });

  it('makes a key that works at once, and records its use at most once a minute, off the request path', async () => {
    const tenant = await newTenant('Fabrikam keys');
    const made = await createKey(tenant.apiKey, 'Ingestion');
    const usage = gateway.app.get(ApiKeyUsage);
    for (let i = 0; i < 3; i++) expect((await call('GET', '/v1/api-keys', { key: made.apiKey })).status).toBe(200);
    await usage.flush();
    const [first] = await query<{ last_used_at: Date }>('SELECT last_used_at FROM api_keys WHERE id = $1', [made.id]);
    expect(first.last_used_at).toBeInstanceOf(Date);
    const listed = (await listKeys(tenant.apiKey)).find((k) => k.id === made.id);
    expect(listed.lastUsedAt).toBe(first.last_used_at.toISOString());
    // Used again within the minute: not written again.
    expect((await call('GET', '/v1/api-keys', { key: made.apiKey })).status).toBe(200);
    await usage.flush();
    expect((await query<{ last_used_at: Date }>('SELECT last_used_at FROM api_keys WHERE id = $1', [made.id]))[0].last_used_at).toEqual(first.last_used_at);
  });

  it('renames a key, and answers its view', async () => {
    const tenant = await newTenant('Renaming');
    const made = await createKey(tenant.apiKey, 'old name');
    const res = await call('PATCH', `/v1/api-keys/${made.id}`, { key: tenant.apiKey, body: { name: ' new name ' } });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ id: made.id, name: 'new name', prefix: made.prefix, createdAt: made.createdAt, revokedAt: null, lastUsedAt: null });
    expect((await call('GET', '/v1/api-keys', { key: made.apiKey })).status).toBe(200); // a rename changes nothing else
  });

  it('revokes a key: refused from then on, listed as revoked; revoking again changes nothing', async () => {
    const tenant = await newTenant('Revoking');
    const made = await createKey(tenant.apiKey, 'to revoke');
    expect((await call('GET', '/v1/api-keys', { key: made.apiKey })).status).toBe(200); // cached by the verifier now
    expect((await call('DELETE', `/v1/api-keys/${made.id}`, { key: tenant.apiKey })).status).toBe(204);
    expect((await refused(await call('GET', '/v1/api-keys', { key: made.apiKey }), 401, 'unauthorized')).message).toBe('invalid API key');
    const listed = (await listKeys(tenant.apiKey)).find((k) => k.id === made.id);
    expect(listed.revokedAt).toEqual(expect.any(String));
    expect((await call('DELETE', `/v1/api-keys/${made.id}`, { key: tenant.apiKey })).status).toBe(204);
    expect((await listKeys(tenant.apiKey)).find((k) => k.id === made.id).revokedAt).toBe(listed.revokedAt);
    // A revoked key cannot be rotated back to life.
    await refused(await call('POST', `/v1/api-keys/${made.id}/rotate`, { key: tenant.apiKey }), 404, 'not_found');
  });

  it("refuses to revoke the tenant's last active key (rotate it instead), also when two revocations race", async () => {
    const tenant = await newTenant('Last key');
    const only = await idOf(tenant);
    const last = await refused(await call('DELETE', `/v1/api-keys/${only}`, { key: tenant.apiKey }), 409, 'last_api_key');
    expect(last.message).toContain('rotate');
    expect((await call('GET', '/v1/api-keys', { key: tenant.apiKey })).status).toBe(200);

    // An operator's session, so that neither racing request's credential is one of the two keys.
    const operator = await signIn({ adminToken: ADMIN_TOKEN });
    for (let round = 0; round < 3; round++) {
      const racer = await newTenant(`Last key race ${round}`);
      const first = await idOf(racer);
      const second = await createKey(racer.apiKey, 'second');
      await warmPool(racer.apiKey);
      const asOperator = { cookie: operator.cookie, csrf: operator.csrfToken, tenant: racer.tenantId };
      const answers = await Promise.all([call('DELETE', `/v1/api-keys/${first}`, asOperator), call('DELETE', `/v1/api-keys/${second.id}`, asOperator)]);
      expect(answers.map((a) => a.status).sort()).toEqual([204, 409]);
      expect(await query('SELECT 1 FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL', [racer.tenantId])).toHaveLength(1);
    }
  });

  it('rotates a key: a new one with the same name works, the old one is refused at once', async () => {
    const tenant = await newTenant('Rotating');
    const old = await createKey(tenant.apiKey, 'Power Automate');
    expect((await call('GET', '/v1/api-keys', { key: old.apiKey })).status).toBe(200);
    const res = await call('POST', `/v1/api-keys/${old.id}/rotate`, { key: tenant.apiKey });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const rotated: Issued = await json(res);
    expect(rotated).toMatchObject({ name: 'Power Automate', apiKey: expect.stringMatching(/^tl_/) });
    expect(rotated.id).not.toBe(old.id);
    expect((await call('GET', '/v1/api-keys', { key: rotated.apiKey })).status).toBe(200);
    await refused(await call('GET', '/v1/api-keys', { key: old.apiKey }), 401, 'unauthorized');
    const listed = await listKeys(tenant.apiKey);
    expect(listed.find((k) => k.id === old.id)).toMatchObject({ name: 'Power Automate', revokedAt: expect.any(String) });
    expect(listed.find((k) => k.id === rotated.id)).toMatchObject({ name: 'Power Automate', revokedAt: null });
    // Rotating the only key is how a tenant replaces it.
    const sole = await newTenant('Rotating its only key');
    const replaced: Issued = await json(await call('POST', `/v1/api-keys/${await idOf(sole)}/rotate`, { key: sole.apiKey }));
    expect(replaced.name).toBe('default');
    await refused(await call('GET', '/v1/api-keys', { key: sole.apiKey }), 401, 'unauthorized');
    expect((await call('GET', '/v1/api-keys', { key: replaced.apiKey })).status).toBe(200);
  });

  it('ends the console session opened with a key when the key is revoked, or rotated (from that very session)', async () => {
    const tenant = await newTenant('Console keys');
    const revoked = await createKey(tenant.apiKey, 'console, revoked');
    const session = await signIn({ apiKey: revoked.apiKey });
    expect((await call('GET', '/v1/api-keys', { cookie: session.cookie })).status).toBe(200);
    expect((await call('DELETE', `/v1/api-keys/${revoked.id}`, { key: tenant.apiKey })).status).toBe(204);
    await refused(await call('GET', '/v1/api-keys', { cookie: session.cookie }), 401, 'unauthorized');
    await refused(await call('GET', '/v1/console/session', { cookie: session.cookie }), 401, 'unauthorized');

    const rotatedAway = await createKey(tenant.apiKey, 'console, rotated');
    const other = await signIn({ apiKey: rotatedAway.apiKey });
    const noCsrf = await refused(await call('POST', `/v1/api-keys/${rotatedAway.id}/rotate`, { cookie: other.cookie }), 403, 'forbidden');
    expect(noCsrf.message).toContain('X-CSRF-Token');
    const res = await call('POST', `/v1/api-keys/${rotatedAway.id}/rotate`, { cookie: other.cookie, csrf: other.csrfToken });
    expect(res.status).toBe(201);
    const rotated: Issued = await json(res);
    await refused(await call('GET', '/v1/api-keys', { cookie: other.cookie }), 401, 'unauthorized');
    // ...and the new key signs in again.
    const again = await signIn({ apiKey: rotated.apiKey });
    expect((await call('GET', '/v1/api-keys', { cookie: again.cookie })).status).toBe(200);
  });

  it("never shows, renames, revokes or rotates another tenant's key: 404, as for an unknown id", async () => {
    const a = await newTenant('Tenant A');
    const b = await newTenant('Tenant B');
    const mine = await createKey(a.apiKey, 'A only');
    expect((await listKeys(b.apiKey)).map((k) => k.id)).not.toContain(mine.id);
    const unknown = randomUUID();
    for (const [method, suffix, body] of [['PATCH', '', { name: 'taken over' }], ['DELETE', '', undefined], ['POST', '/rotate', undefined]] as const) {
      const theirs = await refused(await call(method, `/v1/api-keys/${mine.id}${suffix}`, { key: b.apiKey, body }), 404, 'not_found');
      const none = await refused(await call(method, `/v1/api-keys/${unknown}${suffix}`, { key: b.apiKey, body }), 404, 'not_found');
      expect(theirs).toEqual(none);
      await refused(await call(method, `/v1/api-keys/not-a-uuid${suffix}`, { key: b.apiKey, body }), 404, 'not_found');
    }
    expect((await call('GET', '/v1/api-keys', { key: mine.apiKey })).status).toBe(200);
    expect((await listKeys(a.apiKey)).find((k) => k.id === mine.id)).toMatchObject({ name: 'A only', revokedAt: null });
    expect((await query('SELECT 1 FROM api_keys WHERE tenant_id = $1', [b.tenantId])).length).toBe(1);
  });

  it(`holds a tenant to ${TenantApiKeys.MAX_ACTIVE} active keys, also when creations race; rotating at the limit still works`, async () => {
    const tenant = await newTenant('Many keys');
    for (let i = 2; i <= TenantApiKeys.MAX_ACTIVE - 2; i++) await createKey(tenant.apiKey, `key ${i}`);
    await warmPool(tenant.apiKey);
    const racing = await Promise.all(Array.from({ length: 10 }, (_, i) => call('POST', '/v1/api-keys', { key: tenant.apiKey, body: { name: `racing ${i}` } })));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 201, 409, 409, 409, 409, 409, 409, 409, 409]);
    const over = await refused(await call('POST', '/v1/api-keys', { key: tenant.apiKey, body: { name: 'one too many' } }), 409, 'api_key_limit_reached');
    expect(over.message).toContain(String(TenantApiKeys.MAX_ACTIVE));

    const keys = await listKeys(tenant.apiKey);
    expect(keys.filter((k) => k.revokedAt === null)).toHaveLength(TenantApiKeys.MAX_ACTIVE);
    const spare = keys.find((k) => k.name === 'key 2');
    expect((await call('POST', `/v1/api-keys/${spare.id}/rotate`, { key: tenant.apiKey })).status).toBe(201);
    expect((await call('DELETE', `/v1/api-keys/${spare.id}`, { key: tenant.apiKey })).status).toBe(204); // revoked already by the rotation
    await refused(await call('POST', '/v1/api-keys', { key: tenant.apiKey, body: { name: 'still too many' } }), 409, 'api_key_limit_reached');
    const rotated = (await listKeys(tenant.apiKey)).find((k) => k.name === 'key 2' && k.revokedAt === null);
    expect((await call('DELETE', `/v1/api-keys/${rotated.id}`, { key: tenant.apiKey })).status).toBe(204);
    expect((await call('POST', '/v1/api-keys', { key: tenant.apiKey, body: { name: 'room again' } })).status).toBe(201);
  });

  it('names the field of every refused body or query', async () => {
    const tenant = await newTenant('Validation');
    const made = await createKey(tenant.apiKey, 'valid');
    const bodies: Array<[unknown, string]> = [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'a'.repeat(101) }, 'name'],
      [{ name: 5 }, 'name'],
      [{ name: null }, 'name'],
      [{ name: 'a\u0000b' }, 'name'],
      [{ name: 'two\nlines' }, 'name'],
      [{ name: 'x\u202egnp.exe' }, 'name'],
      [{ name: 'ok', scopes: ['all'] }, '(root)'],
      [[], '(root)'],
    ];
    for (const [body, path] of bodies) {
      for (const [method, route] of [['POST', '/v1/api-keys'], ['PATCH', `/v1/api-keys/${made.id}`]]) {
        const bad = await refused(await call(method, route, { key: tenant.apiKey, body }), 400, 'validation_failed');
        expect(bad.issues?.map((i) => i.path)).toContain(path);
      }
    }
    await refused(await call('POST', '/v1/api-keys', { key: tenant.apiKey, raw: '{"name": "unterminated' }), 400, 'bad_request');
    for (const [search, path] of [['limit=0', 'limit'], ['limit=501', 'limit'], ['cursor=not-ours', 'cursor']]) {
      const bad = await refused(await call('GET', `/v1/api-keys?${search}`, { key: tenant.apiKey }), 400, 'validation_failed');
      expect(bad.issues?.map((i) => i.path)).toEqual([path]);
    }
    await refused(await call('GET', '/v1/api-keys'), 401, 'unauthorized');
  });

  it('pages through a tenant\'s keys, newest first', async () => {
    const tenant = await newTenant('Paged keys');
    for (let i = 0; i < 4; i++) await createKey(tenant.apiKey, `paged ${i}`);
    const seen: Json[] = [];
    let cursor: string | null = null;
    do {
      const res = await call('GET', `/v1/api-keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: tenant.apiKey });
      const page = await json(res);
      expect(page.apiKeys.length).toBeLessThanOrEqual(2);
      seen.push(...page.apiKeys);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((k) => k.id)).toEqual((await listKeys(tenant.apiKey)).map((k) => k.id));
    expect(seen).toHaveLength(5);
    const order = (k: Json) => `${k.createdAt}|${k.id}`;
    expect(seen.map(order)).toEqual(seen.map(order).sort().reverse());
  });

  it("lets an operator's session manage a tenant's keys for the tenant X-Tenant-Id names", async () => {
    const tenant = await newTenant('Helped by an operator');
    const operator = await signIn({ adminToken: ADMIN_TOKEN });
    const made = await call('POST', '/v1/api-keys', { cookie: operator.cookie, csrf: operator.csrfToken, tenant: tenant.tenantId, body: { name: 'made for the tenant' } });
    expect(made.status).toBe(201);
    expect((await listKeys(tenant.apiKey)).map((k) => k.name)).toContain('made for the tenant');
  });

  it('answers any name 201 (stored trimmed) or 400 naming `name`, never a 5xx', async () => {
    const tenant = await newTenant('Hostile names');
    const name = fc.oneof(
      { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 120 }) },
      { weight: 3, arbitrary: edgeText(100) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }) },
      { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('\u0000', '\u2028', '\u202e', '\u200b', '\ud800', '\udfff', ' ', '\t', 'a', '😀', '\u3000'), maxLength: 20 }) },
      { weight: 1, arbitrary: fc.integer({ min: 95, max: 105 }).map((n) => 'é'.repeat(n)) },
      { weight: 1, arbitrary: fc.constantFrom('A'.repeat(500_000), ' '.repeat(300_000)) },
      { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 })) },
    );
    await fc.assert(
      fc.asyncProperty(name, async (value) => {
        const res = await call('POST', '/v1/api-keys', { key: tenant.apiKey, body: { name: value } });
        expect(res.status).toBeLessThan(500);
        const body = await json(res);
        if (res.status === 201) {
          expect(typeof value === 'string' && body.name === value.trim()).toBe(true);
          expect((await call('DELETE', `/v1/api-keys/${body.id}`, { key: tenant.apiKey })).status).toBe(204);
          return;
        }
        expect([res.status, ErrorBody.parse(body).error]).toEqual([400, 'validation_failed']);
        expect(body.issues.map((i: Json) => i.path)).toContain('name');
      }),
      { numRuns: 150 },
    );
  });

  describe('the tenant list (operators)', () => {
    const subscription = (tenantId: string, status: string) =>
      query(
        `INSERT INTO subscriptions (id, tenant_id, trigger, sealed_callback_url, redacted_callback_url, status)
         VALUES ($1, $2, 'data-source-refresh-failed', 'v1.sealed', 'https://flows.example/REDACTED', $3)`,
        [randomUUID(), tenantId, status],
      );

    async function everyPage(limit: number): Promise<{ tenants: Json[]; pages: number }> {
      const tenants: Json[] = [];
      let pages = 0;
      let cursor: string | null = null;
      do {
        const res = await call('GET', `/v1/admin/tenants?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { admin: ADMIN_TOKEN });
        expect(res.status).toBe(200);
        const page = await json(res);
        expect(page.tenants.length).toBeLessThanOrEqual(limit);
        tenants.push(...page.tenants);
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      return { tenants, pages };
    }

    it('pages through every tenant newest first, counting its active keys and active subscriptions', async () => {
      const listed = [];
      for (let i = 0; i < 5; i++) listed.push(await newTenant(`Listed ${i}`));
      const [busy, light] = listed;
      const extra = await createKey(busy.apiKey, 'second');
      await createKey(busy.apiKey, 'third');
      expect((await call('DELETE', `/v1/api-keys/${extra.id}`, { key: busy.apiKey })).status).toBe(204);
      for (const status of ['active', 'active', 'disabled', 'deleted', 'pending_validation']) await subscription(busy.tenantId, status);
      await subscription(light.tenantId, 'active');

      const { tenants, pages } = await everyPage(2);
      const total = Number((await query<{ n: string }>('SELECT count(*) AS n FROM tenants'))[0].n);
      expect(tenants).toHaveLength(total);
      expect(pages).toBe(Math.ceil(total / 2));
      expect(new Set(tenants.map((t) => t.id)).size).toBe(total);
      const order = (t: Json) => `${t.createdAt}|${t.id}`;
      expect(tenants.map(order)).toEqual(tenants.map(order).sort().reverse());

      const byId = new Map(tenants.map((t) => [t.id, t]));
      expect(byId.get(busy.tenantId)).toEqual({ id: busy.tenantId, name: 'Listed 0', createdAt: expect.any(String), apiKeys: 2, subscriptions: 2 });
      expect(byId.get(light.tenantId)).toMatchObject({ name: 'Listed 1', apiKeys: 1, subscriptions: 1 });
      expect(byId.get(listed[4].tenantId)).toMatchObject({ name: 'Listed 4', apiKeys: 1, subscriptions: 0 });
      // The newest tenant comes first.
      expect(tenants[0].id).toBe(listed[4].tenantId);
    });

    it('is for operators only, and names a bad query field', async () => {
      const tenant = await newTenant('Not an operator');
      await refused(await call('GET', '/v1/admin/tenants'), 401, 'unauthorized');
      await refused(await call('GET', '/v1/admin/tenants', { key: tenant.apiKey }), 401, 'unauthorized');
      const session = await signIn({ apiKey: tenant.apiKey });
      await refused(await call('GET', '/v1/admin/tenants', { cookie: session.cookie }), 403, 'forbidden');
      const operator = await signIn({ adminToken: ADMIN_TOKEN });
      expect((await call('GET', '/v1/admin/tenants?limit=1', { cookie: operator.cookie })).status).toBe(200);
      for (const [search, path] of [['limit=0', 'limit'], ['limit=abc', 'limit'], ['cursor=bm90LW91cnM', 'cursor']]) {
        const bad = await refused(await call('GET', `/v1/admin/tenants?${search}`, { admin: ADMIN_TOKEN }), 400, 'validation_failed');
        expect(bad.issues?.map((i) => i.path)).toEqual([path]);
      }
    });
  });
});
