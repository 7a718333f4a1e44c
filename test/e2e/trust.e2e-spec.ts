import type { TopicId } from '@tripline/contracts';
import { json, pipelineSettled, query, refreshEvent, serviceLogTail, startStack, type Json, type TestStack } from '@tripline/testing';
import { randomUUID } from 'node:crypto';

/**
 * What a tenant must not be able to do to Tripline, or to another tenant, through the running
 * services: reach an internal address through an IPv6 form of it, stall subscribe for everyone
 * with a URL that cannot be stored, read a callback URL's token back, or grow subscriptions
 * without end.
 */
describe('Tripline end to end: trust at the subscription API', () => {
  const MAX_SUBSCRIPTIONS = 3;
  let stack: TestStack;

  const call = async (apiKey: string, method: string, path: string, body?: unknown): Promise<Json> => {
    const res = await fetch(`${stack.services.url('gateway')}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { httpStatus: res.status, ...(res.status === 204 ? {} : await json(res)) };
  };
  const subscribe = (apiKey: string, callbackUrl: string, dataSourceId = `ds-${randomUUID()}`) =>
    call(apiKey, 'POST', '/v1/subscriptions/data-source-refresh-failed', { callbackUrl, dataSourceId });

  beforeAll(async () => {
    // Debug logs: the test looks for a callback URL's token in everything the services write.
    stack = await startStack('e2e-trust', { REGISTRY_MAX_SUBSCRIPTIONS_PER_TENANT: String(MAX_SUBSCRIPTIONS), LOG_LEVEL: 'debug' });
  });
  afterAll(async () => stack?.stop());

  it.each(['http://[::10.0.0.1]/', 'http://[::169.254.169.254]/latest/meta-data', 'http://[64:ff9b::10.0.0.1]/', 'http://[2002:a00:1::1]/'])(
    'refuses %s at subscribe: an IPv6 form of an internal IPv4 address, naming callbackUrl',
    async (url) => {
      const { apiKey } = await stack.createTenant(`ipv6 ${randomUUID()}`);
      const res = await subscribe(apiKey, url);
      expect(res.httpStatus).toBe(400);
      expect(res.issues).toEqual([{ path: 'callbackUrl', message: expect.stringMatching(/embeds (10\.0\.0\.1|169\.254\.169\.254) .*refused/) }]);
    },
  );

  it('answers 400 naming callbackUrl for a NUL in it, and the next tenant\'s subscribe goes through at once', async () => {
    const mallory = await stack.createTenant('nul sender');
    const alice = await stack.createTenant('next in line');
    // A literal NUL in the JSON string, not %00: Postgres text cannot hold it.
    const bad = await call(mallory.apiKey, 'POST', '/v1/subscriptions/data-source-refresh-failed', '{"callbackUrl": "http://127.0.0.1:9/a\\u0000b"}');
    expect(bad.httpStatus).toBe(400);
    expect(bad.issues).toEqual([{ path: 'callbackUrl', message: expect.stringContaining('control characters') }]);
    const next = await subscribe(alice.apiKey, stack.receiver.url('/trust/after-nul'));
    expect(next.httpStatus).toBe(201);
  });

  it('never shows, stores or sends on Kafka a callback URL\'s token, and still calls the full URL back', async () => {
    const { tenantId, apiKey } = await stack.createTenant('sealed urls');
    const token = `tok${randomUUID().replace(/-/g, '')}`;
    const path = `/trust/sealed?api-version=2016-06-01&sig=${token}`;
    const shown = `${stack.receiver.url('/trust/sealed')}?api-version=REDACTED&sig=REDACTED`;
    const dataSourceId = 'ds-sealed';

    const made = await subscribe(apiKey, stack.receiver.url(path), dataSourceId);
    expect(made).toMatchObject({ httpStatus: 201, callbackUrl: shown });
    expect(await call(apiKey, 'GET', `/v1/subscriptions/${made.id}`)).toMatchObject({ httpStatus: 200, callbackUrl: shown });
    expect((await call(apiKey, 'GET', '/v1/subscriptions')).subscriptions).toEqual([expect.objectContaining({ id: made.id, callbackUrl: shown })]);
    expect(await subscribe(apiKey, stack.receiver.url(path), dataSourceId)).toMatchObject({ httpStatus: 201, id: made.id }); // still idempotent

    const event = refreshEvent({ dataSourceId });
    const posted = await fetch(`${stack.services.url('ingestion')}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify(event),
    });
    expect(posted.status).toBe(202);
    await pipelineSettled(stack.kafka, [tenantId]);
    expect(stack.receiver.at(path).map((c) => (c.json as Json).eventId)).toEqual([event.id]);

    const tables = await query<{ row: string }>(
      `SELECT row_to_json(s)::text AS row FROM subscriptions s WHERE tenant_id = $1
       UNION ALL SELECT row_to_json(t)::text FROM trigger_subscriptions t WHERE tenant_id = $1
       UNION ALL SELECT row_to_json(e)::text FROM dispatch_endpoints e WHERE tenant_id = $1
       UNION ALL SELECT row_to_json(d)::text FROM deliveries d WHERE tenant_id = $1`,
      [tenantId],
    );
    expect(tables.length).toBeGreaterThanOrEqual(4);
    for (const { row } of tables) expect(row).not.toContain(token);
    const topics: TopicId[] = ['registryRequests', 'registryReplies', 'subscriptionChanges', 'deliveries', 'deadLetters'];
    for (const topic of topics) {
      for (const record of await stack.kafka.readAll(topic)) expect(record.value).not.toContain(token);
    }
    for (const service of ['gateway', 'registry', 'evaluator', 'dispatcher', 'ingestion'] as const) {
      expect(serviceLogTail(service, Number.MAX_SAFE_INTEGER)).not.toContain(token);
    }
  });

  it(`refuses a tenant's subscription past REGISTRY_MAX_SUBSCRIPTIONS_PER_TENANT (${MAX_SUBSCRIPTIONS} here) with 409 naming the limit, and still answers a repeated subscribe`, async () => {
    const { apiKey } = await stack.createTenant('at the cap');
    const other = await stack.createTenant('not at the cap');
    const made = [];
    for (let n = 0; n < MAX_SUBSCRIPTIONS; n++) made.push(await subscribe(apiKey, stack.receiver.url(`/trust/cap/${n}`), `ds-cap-${n}`));
    expect(made.map((m) => m.httpStatus)).toEqual(Array(MAX_SUBSCRIPTIONS).fill(201));

    const over = await subscribe(apiKey, stack.receiver.url('/trust/cap/over'), 'ds-cap-over');
    expect(over).toMatchObject({ httpStatus: 409, error: 'subscription_limit_reached', message: expect.stringContaining(`${MAX_SUBSCRIPTIONS} subscriptions`) });
    expect(over.message).toContain('REGISTRY_MAX_SUBSCRIPTIONS_PER_TENANT');

    // Power Automate retries its subscribe: the same subscription again is not a new one.
    expect(await subscribe(apiKey, stack.receiver.url('/trust/cap/0'), 'ds-cap-0')).toMatchObject({ httpStatus: 201, id: made[0].id });
    // The cap is per tenant.
    expect((await subscribe(other.apiKey, stack.receiver.url('/trust/cap/other'))).httpStatus).toBe(201);
    // A deleted subscription frees its place.
    expect((await call(apiKey, 'DELETE', `/v1/subscriptions/${made[1].id}`)).httpStatus).toBe(204);
    expect((await subscribe(apiKey, stack.receiver.url('/trust/cap/over'), 'ds-cap-over')).httpStatus).toBe(201);
  });
});
