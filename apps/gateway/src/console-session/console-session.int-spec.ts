import { Global, Module, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ErrorBody } from '@tripline/contracts';
import { edgeText, isolatedNamespace, json, query, startInProcess, type Json, type RunningService } from '@tripline/testing';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { loadGatewayEnv, type GatewayEnv } from '../gateway.env';
import { gatewayModule } from '../gateway.module';
import { CONSOLE_SESSION_CLOCK, ConsoleSessions } from './console-sessions';

const ADMIN_TOKEN = 'console-session-admin-token-0123456789';
const PUBLIC_URL = 'https://tripline.contoso.example/api';
const RATE_LIMIT = 30;
const MINUTE = 60_000;
const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** The sessions' clock, moved by the tests instead of waiting. */
const clock = { ms: Date.now(), now: () => new Date(clock.ms) };
@Global()
@Module({ providers: [{ provide: CONSOLE_SESSION_CLOCK, useValue: clock }], exports: [CONSOLE_SESSION_CLOCK] })
class TestClockModule {}
const withTestClock = (env: GatewayEnv) => {
  @Module({ imports: [gatewayModule(env), TestClockModule] })
  class GatewayWithTestClock {}
  return GatewayWithTestClock;
};

interface CallOptions {
  cookie?: string;
  csrf?: string;
  origin?: string;
  key?: string;
  admin?: string;
  tenant?: string;
  /** The client's address as a trusted proxy forwards it: each test its own, for the admin lockout. */
  from?: string;
  https?: boolean;
  body?: unknown;
}

interface SignedIn {
  cookie: string;
  csrfToken: string;
  session: Json;
}

describe('console sessions, against the real Postgres', () => {
  const namespace = isolatedNamespace('console-session');
  let gateway: RunningService;

  const call = (method: string, path: string, o: CallOptions = {}) =>
    fetch(`${gateway.baseUrl}${path}`, {
      method,
      headers: {
        ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(o.cookie ? { cookie: o.cookie } : {}),
        ...(o.csrf ? { 'x-csrf-token': o.csrf } : {}),
        ...(o.origin ? { origin: o.origin } : {}),
        ...(o.key ? { 'x-api-key': o.key } : {}),
        ...(o.admin ? { authorization: `Bearer ${o.admin}` } : {}),
        ...(o.tenant ? { 'x-tenant-id': o.tenant } : {}),
        ...(o.from ? { 'x-forwarded-for': o.from } : {}),
        ...(o.https ? { 'x-forwarded-proto': 'https' } : {}),
      },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });

  /** An error answer: the catalogue's shape, with the status and code expected. */
  async function refused(res: Response, status: number, error: ErrorBody['error']): Promise<ErrorBody> {
    const body = ErrorBody.parse(await json(res));
    expect([res.status, body.error]).toEqual([status, error]);
    return body;
  }

  async function newTenant(name: string): Promise<{ tenantId: string; apiKey: string }> {
    const res = await call('POST', '/v1/admin/tenants', { admin: ADMIN_TOKEN, body: { name } });
    expect(res.status).toBe(201);
    return json(res);
  }

  async function signIn(body: object, o: CallOptions = {}): Promise<SignedIn> {
    const res = await call('POST', '/v1/console/session', { ...o, body });
    expect(res.status).toBe(201);
    const cookie = /^(tripline_session=[^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    if (!cookie) throw new Error('no session cookie was set');
    const session = await json(res);
    return { cookie, csrfToken: session.csrfToken, session };
  }

  beforeAll(async () => {
    gateway = await startInProcess(
      'gateway',
      namespace,
      loadGatewayEnv,
      withTestClock,
      { TRIPLINE_ADMIN_TOKEN: ADMIN_TOKEN, TRIPLINE_PUBLIC_URL: PUBLIC_URL, GATEWAY_RATE_LIMIT: String(RATE_LIMIT), TRIPLINE_TRUST_PROXY: 'loopback' },
      // As main.ts does with TRIPLINE_TRUST_PROXY: the tests speak as clients behind a proxy on loopback.
      (app: INestApplication) => void (app as NestExpressApplication).set('trust proxy', ['loopback']),
    );
  });
  afterAll(async () => gateway?.close());

  describe('a tenant signed in with its key', () => {
    let tenant: { tenantId: string; apiKey: string };
    let signed: SignedIn;
    beforeAll(async () => {
      tenant = await newTenant('Contoso console');
      signed = await signIn({ apiKey: tenant.apiKey });
    });

    it('holds an HttpOnly, SameSite=Strict cookie for the whole gateway, and reads with it alone', async () => {
      const res = await call('POST', '/v1/console/session', { body: { apiKey: tenant.apiKey } });
      expect(res.status).toBe(201);
      expect(res.headers.get('set-cookie')).toMatch(/^tripline_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = await json(res);
      expect(body).toEqual({ kind: 'tenant', tenantId: tenant.tenantId, csrfToken: expect.any(String), expiresAt: new Date(clock.ms + 12 * 3_600_000).toISOString() });

      const page = await call('GET', '/v1/data-sources', { cookie: signed.cookie });
      expect(page.status).toBe(200);
      expect(await json(page)).toMatchObject({ dataSources: [] });
      const who = await call('GET', '/v1/console/session', { cookie: signed.cookie });
      expect(who.status).toBe(200);
      expect(await json(who)).toEqual(signed.session); // the CSRF token again, for a page reloaded
    });

    it('gets a Secure cookie over HTTPS (as the trusted proxy says)', async () => {
      const res = await call('POST', '/v1/console/session', { body: { apiKey: tenant.apiKey }, https: true });
      expect(res.headers.get('set-cookie')).toMatch(/; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
    });

    it('is stored as digests only: neither token is in the table', async () => {
      const token = signed.cookie.slice('tripline_session='.length);
      const rows = await query<Record<string, unknown>>('SELECT * FROM console_sessions WHERE digest = $1', [sha256(token)]);
      expect(rows).toEqual([expect.objectContaining({ kind: 'tenant', tenant_id: tenant.tenantId, csrf_digest: sha256(signed.csrfToken) })]);
      expect(rows[0].api_key_prefix).toBe(/^tl_([a-z0-9]{12})_/.exec(tenant.apiKey)?.[1]);
      const stored = JSON.stringify(await query('SELECT * FROM console_sessions'));
      expect(stored).not.toContain(token);
      expect(stored).not.toContain(signed.csrfToken);
    });

    it("writes only with the session's X-CSRF-Token, and never from another site's Origin", async () => {
      const other = await signIn({ apiKey: tenant.apiKey });
      const missing = await refused(await call('DELETE', '/v1/events/evt-1', { cookie: signed.cookie }), 403, 'forbidden');
      expect(missing.message).toContain('X-CSRF-Token');
      const wrong = await refused(await call('DELETE', '/v1/events/evt-1', { cookie: signed.cookie, csrf: other.csrfToken }), 403, 'forbidden');
      expect(wrong.message).toContain('X-CSRF-Token');
      expect((await call('DELETE', '/v1/events/evt-1', { cookie: signed.cookie, csrf: signed.csrfToken })).status).toBe(200);

      const foreign = await refused(await call('DELETE', '/v1/events/evt-1', { cookie: signed.cookie, csrf: signed.csrfToken, origin: 'https://evil.example' }), 403, 'forbidden');
      expect(foreign.message).toContain('Origin');
      await refused(await call('DELETE', '/v1/events/evt-1', { cookie: signed.cookie, csrf: signed.csrfToken, origin: 'null' }), 403, 'forbidden');
      for (const own of [new URL(gateway.baseUrl).origin, new URL(PUBLIC_URL).origin]) {
        expect((await call('DELETE', '/v1/events/evt-1', { cookie: signed.cookie, csrf: signed.csrfToken, origin: own })).status).toBe(200);
      }
      // Another site cannot sign a browser in either.
      await refused(await call('POST', '/v1/console/session', { body: { apiKey: tenant.apiKey }, origin: 'https://evil.example' }), 403, 'forbidden');
    });

    it('leaves requests with X-API-Key as they were: no CSRF token, any Origin; the header wins over the cookie', async () => {
      expect((await call('DELETE', '/v1/events/evt-2', { key: tenant.apiKey, origin: 'https://evil.example' })).status).toBe(200);
      const wrongKey = await refused(await call('GET', '/v1/data-sources', { key: 'tl_nope', cookie: signed.cookie }), 401, 'unauthorized');
      expect(wrongKey.message).toBe('invalid API key');
    });

    it("acts for its own tenant only: X-Tenant-Id naming another is refused, and the admin API is not its", async () => {
      const other = await newTenant('Fabrikam console');
      expect((await call('GET', '/v1/data-sources', { cookie: signed.cookie, tenant: tenant.tenantId })).status).toBe(200);
      await refused(await call('GET', '/v1/data-sources', { cookie: signed.cookie, tenant: other.tenantId }), 403, 'forbidden');
      await refused(await call('POST', '/v1/admin/tenants', { cookie: signed.cookie, csrf: signed.csrfToken, body: { name: 'x' } }), 403, 'forbidden');
    });
  });

  it('ends the sessions of a revoked key at once, and signs in with it no more', async () => {
    const tenant = await newTenant('Revoked');
    const signed = await signIn({ apiKey: tenant.apiKey });
    expect((await call('GET', '/v1/data-sources', { cookie: signed.cookie })).status).toBe(200);
    await query('UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1', [tenant.tenantId]);
    await refused(await call('GET', '/v1/data-sources', { cookie: signed.cookie }), 401, 'unauthorized');
    await refused(await call('GET', '/v1/console/session', { cookie: signed.cookie }), 401, 'unauthorized');
    // The verifier's cache still knows the key as valid for up to 10 s; the sign-in checks the row.
    const again = await refused(await call('POST', '/v1/console/session', { body: { apiKey: tenant.apiKey } }), 401, 'unauthorized');
    expect(again.message).toBe('invalid API key');
  });

  it("erasing a tenant deletes its sessions along with its keys", async () => {
    const tenant = await newTenant('Erased');
    await signIn({ apiKey: tenant.apiKey });
    expect(await query('SELECT 1 FROM console_sessions WHERE tenant_id = $1', [tenant.tenantId])).toHaveLength(1);
    expect((await call('DELETE', `/v1/admin/tenants/${tenant.tenantId}`, { admin: ADMIN_TOKEN })).status).toBe(200);
    expect(await query('SELECT 1 FROM console_sessions WHERE tenant_id = $1', [tenant.tenantId])).toHaveLength(0);
  });

  it('signs out on the server: the row goes, the cookie is cleared, and replaying it gets 401', async () => {
    const tenant = await newTenant('Signing out');
    const signed = await signIn({ apiKey: tenant.apiKey });
    const token = signed.cookie.slice('tripline_session='.length);
    const noCsrf = await refused(await call('DELETE', '/v1/console/session', { cookie: signed.cookie }), 403, 'forbidden');
    expect(noCsrf.message).toContain('X-CSRF-Token');

    const out = await call('DELETE', '/v1/console/session', { cookie: signed.cookie, csrf: signed.csrfToken });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toBe('tripline_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict');
    expect(await query('SELECT 1 FROM console_sessions WHERE digest = $1', [sha256(token)])).toHaveLength(0);
    await refused(await call('GET', '/v1/console/session', { cookie: signed.cookie }), 401, 'unauthorized');
    await refused(await call('GET', '/v1/data-sources', { cookie: signed.cookie }), 401, 'unauthorized');
    await refused(await call('DELETE', '/v1/console/session', { cookie: signed.cookie, csrf: signed.csrfToken }), 401, 'unauthorized');
  });

  it('replaces the session a browser held when it signs in again', async () => {
    const tenant = await newTenant('Signing in twice');
    const first = await signIn({ apiKey: tenant.apiKey });
    const second = await signIn({ apiKey: tenant.apiKey }, { cookie: first.cookie });
    await refused(await call('GET', '/v1/console/session', { cookie: first.cookie }), 401, 'unauthorized');
    expect((await call('GET', '/v1/console/session', { cookie: second.cookie })).status).toBe(200);
  });

  describe('an operator signed in with the admin token', () => {
    let operator: SignedIn;
    let tenant: { tenantId: string; apiKey: string };
    beforeAll(async () => {
      operator = await signIn({ adminToken: ADMIN_TOKEN });
      tenant = await newTenant('Seen by the operator');
    });

    it('uses the admin API with the cookie (writes with its CSRF token)', async () => {
      expect(operator.session).toEqual({ kind: 'operator', csrfToken: expect.any(String), expiresAt: expect.any(String) });
      const made = await call('POST', '/v1/admin/tenants', { cookie: operator.cookie, csrf: operator.csrfToken, body: { name: 'Made by the console' } });
      expect(made.status).toBe(201);
      expect(await json(made)).toMatchObject({ tenantId: expect.any(String), apiKey: expect.stringMatching(/^tl_/) });
      const noCsrf = await refused(await call('POST', '/v1/admin/tenants', { cookie: operator.cookie, body: { name: 'x' } }), 403, 'forbidden');
      expect(noCsrf.message).toContain('X-CSRF-Token');
      // The header wins: a wrong token is judged (and refused) whatever the cookie.
      await refused(await call('POST', '/v1/admin/tenants', { cookie: operator.cookie, csrf: operator.csrfToken, admin: 'not-the-admin-token', from: '192.0.2.77', body: { name: 'x' } }), 401, 'unauthorized');
    });

    it("acts on a tenant's routes only for the existing tenant X-Tenant-Id names", async () => {
      const missing = await refused(await call('GET', '/v1/data-sources', { cookie: operator.cookie }), 400, 'validation_failed');
      expect(missing.issues).toEqual([{ path: 'X-Tenant-Id', message: expect.stringContaining('required') }]);
      const malformed = await refused(await call('GET', '/v1/data-sources', { cookie: operator.cookie, tenant: 'contoso' }), 400, 'validation_failed');
      expect(malformed.issues?.[0].path).toBe('X-Tenant-Id');
      const unknown = await refused(await call('GET', '/v1/data-sources', { cookie: operator.cookie, tenant: '7b0f1c3e-2a4d-4e5f-8a6b-1c2d3e4f5a6b' }), 404, 'not_found');
      expect(unknown.message).toContain('X-Tenant-Id');
      expect((await call('GET', '/v1/data-sources', { cookie: operator.cookie, tenant: tenant.tenantId })).status).toBe(200);
      expect((await call('DELETE', '/v1/events/evt-3', { cookie: operator.cookie, tenant: tenant.tenantId, csrf: operator.csrfToken })).status).toBe(200);
      await refused(await call('DELETE', '/v1/events/evt-3', { cookie: operator.cookie, tenant: tenant.tenantId }), 403, 'forbidden');
    });
  });

  describe('sign-in refusals', () => {
    it('names what is wrong: 401 for a wrong key or token, 400 for a body without exactly one of them', async () => {
      expect((await refused(await call('POST', '/v1/console/session', { body: { apiKey: 'tl_nope' } }), 401, 'unauthorized')).message).toBe('invalid API key');
      const wrongToken = await call('POST', '/v1/console/session', { body: { adminToken: 'not-the-admin-token' }, from: '192.0.2.1' });
      expect((await refused(wrongToken, 401, 'unauthorized')).message).toBe('invalid admin token');
      expect(wrongToken.headers.get('set-cookie')).toBeNull();

      const bodies: Array<[unknown, string]> = [
        [{}, 'apiKey'],
        [{ apiKey: 'tl_x', adminToken: 'y' }, 'adminToken'],
        [{ apiKey: 5 }, 'apiKey'],
        [{ apiKey: 'a'.repeat(201) }, 'apiKey'],
        [{ adminToken: '' }, 'adminToken'],
        [{ apiKey: 'tl_x', password: 'y' }, '(root)'],
      ];
      for (const [body, path] of bodies) {
        const bad = await refused(await call('POST', '/v1/console/session', { body }), 400, 'validation_failed');
        expect(bad.issues?.map((i) => i.path)).toContain(path);
      }
    });

    it('answers 401 without a session, with a malformed one, and names the credential a tenant route wants', async () => {
      await refused(await call('GET', '/v1/console/session'), 401, 'unauthorized');
      await refused(await call('GET', '/v1/console/session', { cookie: 'tripline_session=nope' }), 401, 'unauthorized');
      await refused(await call('GET', '/v1/console/session', { cookie: `tripline_session=${'A'.repeat(43)}` }), 401, 'unauthorized');
      expect((await refused(await call('GET', '/v1/data-sources'), 401, 'unauthorized')).message).toContain('X-API-Key');
      expect((await refused(await call('DELETE', '/v1/admin/tenants/7b0f1c3e-2a4d-4e5f-8a6b-1c2d3e4f5a6b'), 401, 'unauthorized')).message).toContain('Authorization');
    });

    it('counts wrong admin tokens toward the lockout, which then holds the header too and judges no token', async () => {
      const from = '203.0.113.9';
      for (let i = 0; i < 5; i++) await refused(await call('POST', '/v1/console/session', { body: { adminToken: `wrong-admin-token-${i}` }, from }), 401, 'unauthorized');
      const locked = await refused(await call('POST', '/v1/console/session', { body: { adminToken: ADMIN_TOKEN }, from }), 429, 'rate_limited');
      expect(locked.message).toContain('too many wrong admin tokens');
      await refused(await call('POST', '/v1/admin/tenants', { admin: ADMIN_TOKEN, from, body: { name: 'x' } }), 429, 'rate_limited');
      // Another address is not affected.
      expect((await call('POST', '/v1/console/session', { body: { adminToken: ADMIN_TOKEN }, from: '203.0.113.10' })).status).toBe(201);
    });
  });

  it("tells either kind of session this gateway's public URL, for the console's set-up page, and no one without a session", async () => {
    const tenant = await newTenant('Setting up Power Automate');
    for (const signed of [await signIn({ apiKey: tenant.apiKey }), await signIn({ adminToken: ADMIN_TOKEN })]) {
      const res = await call('GET', '/v1/console/instance', { cookie: signed.cookie });
      expect(res.status).toBe(200);
      expect(await json(res)).toEqual({ publicUrl: PUBLIC_URL, publicUrlSource: 'configured' });
    }
    await refused(await call('GET', '/v1/console/instance'), 401, 'unauthorized');
    await refused(await call('GET', '/v1/console/instance', { key: tenant.apiKey }), 401, 'unauthorized');
  });

  it("spends a tenant's rate limit with its session as with its key; an operator's acting for it spends none", async () => {
    const tenant = await newTenant('Rate limited');
    const signed = await signIn({ apiKey: tenant.apiKey });
    const operator = await signIn({ adminToken: ADMIN_TOKEN });
    for (let i = 0; i < RATE_LIMIT / 2; i++) expect((await call('GET', '/v1/data-sources', { key: tenant.apiKey })).status).toBe(200);
    for (let i = 0; i < RATE_LIMIT / 2; i++) expect((await call('GET', '/v1/data-sources', { cookie: signed.cookie })).status).toBe(200);
    await refused(await call('GET', '/v1/data-sources', { cookie: signed.cookie }), 429, 'rate_limited');
    await refused(await call('GET', '/v1/data-sources', { key: tenant.apiKey }), 429, 'rate_limited');
    expect((await call('GET', '/v1/data-sources', { cookie: operator.cookie, tenant: tenant.tenantId })).status).toBe(200);
  });

  describe('expiry, on the sessions clock', () => {
    const touchedAt = async (cookie: string) =>
      (await query<{ t: Date }>('SELECT last_seen_at AS t FROM console_sessions WHERE digest = $1', [sha256(cookie.slice('tripline_session='.length))]))[0]?.t.getTime();

    it('ends a session idle for CONSOLE_SESSION_IDLE_MINUTES; each request keeps it going', async () => {
      const tenant = await newTenant('Idle');
      const signed = await signIn({ apiKey: tenant.apiKey });
      clock.ms += 59 * MINUTE;
      expect((await call('GET', '/v1/data-sources', { cookie: signed.cookie })).status).toBe(200);
      clock.ms += 59 * MINUTE;
      expect((await call('GET', '/v1/console/session', { cookie: signed.cookie })).status).toBe(200);
      clock.ms += 60 * MINUTE;
      await refused(await call('GET', '/v1/data-sources', { cookie: signed.cookie }), 401, 'unauthorized');
      await refused(await call('GET', '/v1/console/session', { cookie: signed.cookie }), 401, 'unauthorized');
    });

    it('ends a busy session CONSOLE_SESSION_MAX_HOURS after sign-in', async () => {
      const operator = await signIn({ adminToken: ADMIN_TOKEN });
      const end = new Date(operator.session.expiresAt).getTime();
      while (clock.ms + 50 * MINUTE < end) {
        clock.ms += 50 * MINUTE;
        expect((await call('GET', '/v1/console/session', { cookie: operator.cookie })).status).toBe(200);
      }
      clock.ms = end;
      await refused(await call('GET', '/v1/console/session', { cookie: operator.cookie }), 401, 'unauthorized');
    });

    it('writes a session down at most once a minute, however many requests it makes', async () => {
      const operator = await signIn({ adminToken: ADMIN_TOKEN });
      const signedInAt = await touchedAt(operator.cookie);
      for (let i = 0; i < 5; i++) {
        clock.ms += 10_000;
        expect((await call('GET', '/v1/console/session', { cookie: operator.cookie })).status).toBe(200);
      }
      expect(await touchedAt(operator.cookie)).toBe(signedInAt);
      clock.ms += ConsoleSessions.TOUCH_INTERVAL_MS;
      expect((await call('GET', '/v1/console/session', { cookie: operator.cookie })).status).toBe(200);
      expect(await touchedAt(operator.cookie)).toBe(clock.ms);
    });
  });

  describe('hostile input', () => {
    let live: SignedIn;
    let operator: SignedIn;
    beforeAll(async () => {
      live = await signIn({ apiKey: (await newTenant('Hostile')).apiKey });
      operator = await signIn({ adminToken: ADMIN_TOKEN });
    });

    /**
     * Raw bytes to the gateway (fetch refuses NUL and line breaks in headers): the status of each
     * answer it sends before it closes the connection (Connection: close). Bytes that cut the
     * request short leave the server waiting for the rest: the client hangs up after a while.
     */
    function rawStatuses(head: string, body = Buffer.alloc(0)): Promise<number[]> {
      const { hostname, port } = new URL(gateway.baseUrl);
      return new Promise((resolve, reject) => {
        const socket = connect(Number(port), hostname);
        const chunks: Buffer[] = [];
        const hangUp = setTimeout(() => socket.end(), 3_000);
        socket.on('data', (c: Buffer) => chunks.push(c));
        socket.on('error', reject);
        socket.on('close', () => {
          clearTimeout(hangUp);
          const statuses = [...Buffer.concat(chunks).toString('latin1').matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
          if (statuses.length === 0) reject(new Error('no answer'));
          else resolve(statuses);
        });
        socket.write(Buffer.concat([Buffer.from(`${head}Host: ${hostname}:${port}\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n`, 'utf8'), body]));
      });
    }

    // Mostly what the HTTP parser lets through to the gateway; some it refuses itself (NUL, line
    // breaks, headers over 16 KiB), which must not upset the gateway either.
    const hostileString = fc.oneof(
      { weight: 4, arbitrary: fc.string({ maxLength: 80 }) },
      { weight: 2, arbitrary: edgeText(300) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
      { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('\u0000', '\r', '\n', ';', '=', '"', '%', ' ', '\t', ',', 'A', '_', '\u00ff', '\ud800', '😀'), maxLength: 80 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 12_000 }).map((n) => 'A'.repeat(n)) },
      { weight: 1, arbitrary: fc.constant('A'.repeat(40_000)) },
    );

    /** A header sent now and then: each one the parser refuses hides what the others would do. */
    const sometimes = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });

    it('never answers a 5xx to any Cookie, X-CSRF-Token, X-Tenant-Id or Origin header', async () => {
      const cookieHeader = fc.oneof(
        hostileString,
        hostileString.map((s) => `tripline_session=${s}`),
        fc.tuple(hostileString, hostileString).map(([a, b]) => `a=${a}; tripline_session=${b}; tripline_session=${a}`),
        hostileString.map((s) => `${live.cookie}${s}`),
        fc.constantFrom(live.cookie, operator.cookie),
      );
      const route = fc.constantFrom('GET /v1/data-sources', 'DELETE /v1/events/evt-x', 'GET /v1/console/session', 'DELETE /v1/console/session', 'POST /v1/admin/tenants');
      await fc.assert(
        fc.asyncProperty(route, cookieHeader, sometimes(hostileString), sometimes(hostileString), sometimes(hostileString), async (line, cookie, csrf, tenant, origin) => {
          const extra = [csrf !== null ? `X-CSRF-Token: ${csrf}\r\n` : '', tenant !== null ? `X-Tenant-Id: ${tenant}\r\n` : '', origin !== null ? `Origin: ${origin}\r\n` : ''].join('');
          const statuses = await rawStatuses(`${line} HTTP/1.1\r\nCookie: ${cookie}\r\n${extra}X-Forwarded-For: 198.51.100.1\r\n`);
          for (const status of statuses) expect(status).toBeLessThan(500);
        }),
        { numRuns: 300 },
      );
      // and the live sessions were neither ended nor harmed
      expect((await call('GET', '/v1/console/session', { cookie: live.cookie })).status).toBe(200);
      expect((await call('GET', '/v1/console/session', { cookie: operator.cookie })).status).toBe(200);
    });

    it('never answers a 5xx to any sign-in body', async () => {
      const field = fc.constantFrom('apiKey', 'adminToken', 'password', '__proto__', '');
      const value = fc.oneof(
        hostileString,
        // Well-formed keys nobody was given: they reach the verifier and the database.
        fc.stringMatching(/^tl_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/),
        fc.integer(),
        fc.constant(null),
        fc.array(hostileString, { maxLength: 3 }),
        fc.dictionary(hostileString, hostileString, { maxKeys: 2 }),
      );
      const body = fc.oneof(
        fc.dictionary(field, value, { maxKeys: 3 }).map((b) => Buffer.from(JSON.stringify(b), 'utf8')),
        hostileString.map((s) => Buffer.from(s, 'utf8')),
        fc.constantFrom(Buffer.from('{"apiKey":"tl_\u0000"}'), Buffer.from([0x7b, 0x00, 0x7d]), Buffer.from(`{"adminToken":"${'x'.repeat(1_100_000)}"}`), Buffer.from('[]'), Buffer.from('null')),
      );
      await fc.assert(
        fc.asyncProperty(body, async (bytes) => {
          const statuses = await rawStatuses('POST /v1/console/session HTTP/1.1\r\nContent-Type: application/json\r\nX-Forwarded-For: 198.51.100.2\r\n', bytes);
          for (const status of statuses) expect(status).toBeLessThan(500);
        }),
        { numRuns: 200 },
      );
    });
  });
});
