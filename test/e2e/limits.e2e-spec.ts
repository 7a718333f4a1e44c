import { E2E_ADMIN_TOKEN, isolatedNamespace, json, refreshEvent, ServiceProcesses, startStack, type Json, type TestStack } from '@tripline/testing';
import { request } from 'node:http';

/**
 * What stops one client from taking a service for itself: per-tenant rate limits on the API-key
 * routes of ingestion and the gateway, and a slow-down for repeated wrong admin tokens, per
 * client address (behind a proxy, only one trusted by TRIPLINE_TRUST_PROXY tells the client's).
 * The limits are set low here (5 requests an hour), so nothing depends on timing.
 */
describe('limits through the running services', () => {
  const LIMIT = 5;
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack('limits', {
      GATEWAY_RATE_LIMIT: String(LIMIT),
      GATEWAY_RATE_WINDOW: '1h',
      INGEST_RATE_LIMIT: String(LIMIT),
      INGEST_RATE_WINDOW: '1h',
    });
  });
  afterAll(async () => stack?.stop());

  const ingestion = (path: string, key: string, body?: unknown) =>
    fetch(`${stack.services.url('ingestion')}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const gateway = (path: string, key: string) => fetch(`${stack.services.url('gateway')}${path}`, { headers: { 'x-api-key': key } });

  /** Asserts a 429 as the services answer it: Retry-After in whole seconds, the usual error shape. */
  async function expectRateLimited(res: Response, maxSeconds: number): Promise<number> {
    expect(res.status).toBe(429);
    const retryAfter = res.headers.get('retry-after') ?? '';
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(maxSeconds);
    expect(await json(res)).toEqual({ error: 'rate_limited', message: expect.stringMatching(/retry after \d+ s/) });
    return Number(retryAfter);
  }

  it('ingestion accepts a tenant LIMIT event requests per window, then answers 429 with Retry-After; another tenant is unaffected', async () => {
    const flooder = await stack.createTenant('limits ingest flooder');
    const neighbour = await stack.createTenant('limits ingest neighbour');

    for (let i = 0; i < LIMIT; i++) expect((await ingestion('/v1/events', flooder.apiKey, refreshEvent())).status).toBe(202);
    await expectRateLimited(await ingestion('/v1/events', flooder.apiKey, refreshEvent()), 3600);
    // A batch is one request too: the limit counts requests, not events.
    await expectRateLimited(await ingestion('/v1/events', flooder.apiKey, { events: [refreshEvent(), refreshEvent()] }), 3600);

    expect((await ingestion('/v1/events', neighbour.apiKey, refreshEvent())).status).toBe(202);
    // Health is never limited, whoever asks.
    for (let i = 0; i <= LIMIT; i++) {
      expect((await ingestion('/health/ready', flooder.apiKey)).status).toBe(200);
      expect((await ingestion('/health/live', flooder.apiKey)).status).toBe(200);
    }
  });

  it('the gateway limits a tenant across its API-key routes, not its health and docs, and not another tenant', async () => {
    const flooder = await stack.createTenant('limits gateway flooder');
    const neighbour = await stack.createTenant('limits gateway neighbour');

    // One budget for all of a tenant's calls, whichever route they take.
    const routes = ['/v1/data-sources', '/v1/segments', '/v1/measures', '/v1/refresh-runs', '/v1/subscriptions'];
    for (let i = 0; i < LIMIT; i++) expect((await gateway(routes[i % routes.length], flooder.apiKey)).status).toBe(200);
    await expectRateLimited(await gateway('/v1/status-report', flooder.apiKey), 3600);
    await expectRateLimited(await gateway('/v1/data-sources', flooder.apiKey), 3600);

    expect((await gateway('/v1/data-sources', neighbour.apiKey)).status).toBe(200);
    for (let i = 0; i <= LIMIT; i++) {
      for (const path of ['/health/ready', '/health/live', '/v1/triggers', '/v1/openapi.json', '/v1/connector/power-automate.json']) {
        expect([path, (await gateway(path, flooder.apiKey)).status]).toEqual([path, 200]);
      }
    }
  });

  it('answers a wrong API key 401 every time, on both services, and spends no tenant budget with it', async () => {
    const tenant = await stack.createTenant('limits wrong keys');
    const unknown = `tl_${'j'.repeat(12)}_${'x'.repeat(43)}`;
    // The prefix of a real key with a wrong secret: it must not eat into that tenant's budget.
    const wrongSecret = `${tenant.apiKey.slice(0, 'tl_'.length + 12 + 1)}${'x'.repeat(43)}`;
    for (const junk of [unknown, wrongSecret]) {
      for (let i = 0; i < 2 * LIMIT; i++) {
        const fromIngestion = await ingestion('/v1/events', junk, refreshEvent());
        expect([fromIngestion.status, await json(fromIngestion)]).toEqual([401, { error: 'unauthorized', message: 'invalid API key' }]);
        const fromGateway = await gateway('/v1/data-sources', junk);
        expect([fromGateway.status, await json(fromGateway)]).toEqual([401, { error: 'unauthorized', message: 'invalid API key' }]);
      }
    }
    for (let i = 0; i < LIMIT; i++) {
      expect((await ingestion('/v1/events', tenant.apiKey, refreshEvent())).status).toBe(202);
      expect((await gateway('/v1/data-sources', tenant.apiKey)).status).toBe(200);
    }
  });

  it('slows down repeated wrong admin tokens from one address, while the right token from another address keeps working', async () => {
    const attacker = '127.0.0.9';
    // Five wrong guesses are answered as such...
    for (let i = 0; i < 5; i++) {
      const res = await createTenantFrom(attacker, `guess-${i}-0123456789abcdef`);
      expect([res.status, res.body]).toEqual([401, { error: 'unauthorized', message: 'invalid admin token' }]);
    }
    // ...then the address must wait, and no guess is judged; one sent while it waits does not make the wait longer.
    const first = await createTenantFrom(attacker, 'guess-5-0123456789abcdef');
    const more = [];
    for (let i = 6; i < 12; i++) more.push(await createTenantFrom(attacker, `guess-${i}-0123456789abcdef`));
    for (const res of [first, ...more]) {
      expect(res.status).toBe(429);
      expect(res.retryAfter).toMatch(/^\d+$/);
      expect(res.body).toEqual({ error: 'rate_limited', message: expect.stringMatching(/retry after \d+ s/) });
    }
    expect(Number(more.at(-1)!.retryAfter)).toBeLessThanOrEqual(Number(first.retryAfter));
    expect((await createTenantFrom(attacker, E2E_ADMIN_TOKEN)).status).toBe(429);

    // The operator, elsewhere, is not locked out.
    const operator = await createTenantFrom('127.0.0.1', E2E_ADMIN_TOKEN);
    expect(operator.status).toBe(201);
    expect((await ingestion('/v1/events', operator.body.apiKey, refreshEvent())).status).toBe(202);
  });

  it('without TRIPLINE_TRUST_PROXY, believes no X-Forwarded-For: wrong tokens from one socket address count together, whatever they claim', async () => {
    const proxy = '127.0.0.12';
    for (let i = 0; i < 5; i++) {
      const res = await createTenantFrom(proxy, `guess-${i}-0123456789abcdef`, { forwardedFor: `203.0.113.${i + 1}` });
      expect(res.status).toBe(401);
    }
    expect((await createTenantFrom(proxy, 'guess-5-0123456789abcdef', { forwardedFor: '203.0.113.99' })).status).toBe(429);
  });

  describe('behind a proxy trusted by TRIPLINE_TRUST_PROXY', () => {
    let gateway: ServiceProcesses;
    beforeAll(async () => {
      // A gateway of its own (the rest of the stack is not needed to create tenants), trusting the loopback proxy.
      gateway = new ServiceProcesses(isolatedNamespace('limits-proxy'), await ServiceProcesses.freePorts(), {
        TRIPLINE_ADMIN_TOKEN: E2E_ADMIN_TOKEN,
        TRIPLINE_TRUST_PROXY: 'loopback',
      });
      await gateway.start('gateway');
    });
    afterAll(async () => gateway?.stopAll());

    it('counts the wrong tokens of each forwarded client apart: one guessing does not lock out the operator behind the same proxy', async () => {
      const proxy = '127.0.0.13';
      const via = { baseUrl: gateway.url('gateway') };
      for (let i = 0; i < 5; i++) {
        expect((await createTenantFrom(proxy, `guess-${i}-0123456789abcdef`, { ...via, forwardedFor: '203.0.113.7' })).status).toBe(401);
      }
      expect((await createTenantFrom(proxy, 'guess-5-0123456789abcdef', { ...via, forwardedFor: '203.0.113.7' })).status).toBe(429);
      expect((await createTenantFrom(proxy, E2E_ADMIN_TOKEN, { ...via, forwardedFor: '198.51.100.1' })).status).toBe(201);
      // The proxy's own address, which a client cannot choose, is the one that counts when no client is forwarded.
      expect((await createTenantFrom(proxy, E2E_ADMIN_TOKEN, via)).status).toBe(201);
    });
  });

  /**
   * `POST /v1/admin/tenants` from a chosen loopback address (fetch cannot pick its source
   * address), optionally as a proxy forwarding a client's.
   */
  function createTenantFrom(
    localAddress: string,
    token: string,
    opts: { forwardedFor?: string; baseUrl?: string } = {},
  ): Promise<{ status: number; retryAfter: string | undefined; body: Json }> {
    const url = new URL(`${opts.baseUrl ?? stack.services.url('gateway')}/v1/admin/tenants`);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(opts.forwardedFor ? { 'x-forwarded-for': opts.forwardedFor } : {}) };
    return new Promise((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress, headers },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body: JSON.parse(text) }));
        },
      );
      req.once('error', reject);
      req.end(JSON.stringify({ name: 'limits admin' }));
    });
  }
});
