import {
  createTenant,
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
import { Webhook } from 'standardwebhooks';

/**
 * Delivery as a receiver and an operator meet it, through the five running services:
 * signatures, rotation, the delivery log, dead letters, resend, recovery, endpoint disabling,
 * the validation handshake and SSRF refusal.
 */
describe('Tripline end to end: signed, retried, recoverable delivery', () => {
  let stack: TestStack;
  let services: ServiceProcesses;
  let receiver: CallbackReceiver;
  let kafka: TestKafka;
  let apiKey: string;
  let tenantId: string;
  /** What each path answers: a status, or a function of the request. */
  const answers = new Map<string, (body: Json) => number | { status: number; headers: Record<string, string> }>();

  const api = async (method: string, path: string, body?: unknown): Promise<Json> => {
    const res = await fetch(`${services.url('gateway')}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { httpStatus: res.status, ...(res.status === 204 ? {} : await json(res)) };
  };
  const subscribe = (path: string, extra: Record<string, unknown> = {}) =>
    api('POST', '/v1/subscriptions/data-source-refresh-failed', { callbackUrl: receiver.url(path), dataSourceId: `ds${path.replace(/\//g, '-')}`, ...extra });
  async function fire(path: string, count = 1) {
    const events = Array.from({ length: count }, () => refreshEvent({ dataSourceId: `ds${path.replace(/\//g, '-')}` }));
    const res = await fetch(`${services.url('ingestion')}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(202);
    await pipelineSettled(kafka, [tenantId]);
    return events;
  }
  const headersOf = (c: { headers: Record<string, unknown> }) => c.headers as Record<string, string>;

  beforeAll(async () => {
    stack = await startStack('e2e-delivery', { DISPATCH_RETRY_SCHEDULE: '0,100ms,200ms', DISPATCH_DISABLE_AFTER: '2s' });
    ({ services, receiver, kafka, apiKey, tenantId } = stack);
    receiver.respondWith((c) => answers.get(c.path)?.(c.json as Json) ?? 200);
  });
  afterAll(async () => stack?.stop());

  it('signs every callback with the secret the subscribe answer gave, per Standard Webhooks', async () => {
    const sub = await subscribe('/signed');
    expect(sub.httpStatus).toBe(201);
    expect(sub.secret).toMatch(/^whsec_/);
    expect((await api('GET', `/v1/subscriptions/${sub.id}`)).secret).toBeUndefined(); // shown at subscribe only
    const [event] = await fire('/signed');
    const [callback] = receiver.at('/signed');
    expect(new Webhook(sub.secret).verify(callback.body, headersOf(callback))).toMatchObject({ eventId: event.id });
  });

  it('rotates the secret: during the overlap each callback carries a signature for both', async () => {
    const sub = await subscribe('/rotate');
    const rotated = await api('POST', `/v1/subscriptions/${sub.id}/rotate-secret`);
    expect(rotated).toMatchObject({ httpStatus: 200, subscriptionId: sub.id, secret: expect.stringMatching(/^whsec_/) });
    expect(rotated.secret).not.toBe(sub.secret);
    expect(Date.parse(rotated.previousSecretsExpireAt)).toBeGreaterThan(Date.now());
    await kafka.waitForGroup(kafka.groupId('tripline-dispatcher', 'endpoints'), 'subscriptionChanges');
    await fire('/rotate');
    const [callback] = receiver.at('/rotate');
    expect(String(callback.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [sub.secret, rotated.secret]) expect(() => new Webhook(secret).verify(callback.body, headersOf(callback))).not.toThrow();
  });

  it('keeps a delivery log with every attempt, and resends a dead letter with the same webhook-id', async () => {
    answers.set('/dead', () => 500);
    const sub = await subscribe('/dead');
    const [event] = await fire('/dead');
    const log = await api('GET', `/v1/subscriptions/${sub.id}/deliveries`);
    expect(log.deliveries).toHaveLength(1);
    const [dead] = log.deliveries;
    expect(dead).toMatchObject({ eventId: event.id, status: 'failed', attemptCount: 3, lastStatusCode: 500 });
    expect(dead.attempts.map((a: Json) => a.statusCode)).toEqual([500, 500, 500]);
    expect(dead.attempts[0]).toMatchObject({ attemptNumber: 1, durationMs: expect.any(Number), startedAt: expect.any(String) });
    expect((await api('GET', `/v1/subscriptions/${sub.id}/deliveries?status=failed`)).deliveries).toHaveLength(1);

    answers.set('/dead', () => 200);
    expect(await api('POST', `/v1/deliveries/${dead.id}/resend`)).toMatchObject({ httpStatus: 202, deliveryId: dead.id });
    await pipelineSettled(kafka, [tenantId]);
    const calls = receiver.at('/dead');
    expect(calls).toHaveLength(4);
    expect(new Set(calls.map((c) => c.headers['webhook-id']))).toEqual(new Set([dead.id]));
    expect((await api('GET', `/v1/subscriptions/${sub.id}/deliveries`)).deliveries[0]).toMatchObject({ status: 'delivered', attemptCount: 4 });
  });

  it("searches the tenant's whole delivery log by subscription, state, trigger and time, a page at a time, and never another tenant's", async () => {
    const since = new Date().toISOString();
    answers.set('/search-down', () => 503);
    const down = await subscribe('/search-down');
    const up = await subscribe('/search-up');
    const succeeded = await api('POST', '/v1/subscriptions/data-source-refresh-succeeded', { callbackUrl: receiver.url('/search-ok'), dataSourceId: 'ds-search-ok' });
    expect(succeeded.httpStatus).toBe(201);
    await kafka.waitForGroup(kafka.groupId('tripline-evaluator', 'subscription-changes'), 'subscriptionChanges');
    const [failing] = await fire('/search-down');
    // One at a time: the log's order is the order they were made in.
    const working = [...(await fire('/search-up')), ...(await fire('/search-up'))];
    const refreshed = refreshEvent({ dataSourceId: 'ds-search-ok', status: 'succeeded' });
    const res = await fetch(`${services.url('ingestion')}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify(refreshed) });
    expect(res.status).toBe(202);
    await pipelineSettled(kafka, [tenantId]);

    const search = async (query: Record<string, string>) => {
      const page = await api('GET', `/v1/deliveries?${new URLSearchParams({ since, ...query })}`);
      expect(page.httpStatus).toBe(200);
      return page.deliveries.map((d: Json) => [d.eventId, d.subscriptionId, d.status]);
    };
    expect(await search({})).toEqual([
      [refreshed.id, succeeded.id, 'delivered'],
      ...working.toReversed().map((e) => [e.id, up.id, 'delivered']),
      [failing.id, down.id, 'failed'],
    ]);
    expect(await search({ status: 'failed' })).toEqual([[failing.id, down.id, 'failed']]);
    expect(await search({ trigger: 'data-source-refresh-succeeded' })).toEqual([[refreshed.id, succeeded.id, 'delivered']]);
    expect(await search({ subscriptionId: up.id })).toHaveLength(2);
    // The first delivery alone was made before a millisecond after it.
    const [first] = (await api('GET', `/v1/deliveries?${new URLSearchParams({ since, status: 'failed' })}`)).deliveries;
    expect(await search({ until: new Date(Date.parse(first.createdAt) + 1).toISOString() })).toEqual([[failing.id, down.id, 'failed']]);
    expect(await api('GET', `/v1/deliveries?since=${encodeURIComponent(since)}&until=${encodeURIComponent(new Date(Date.parse(since) - 1).toISOString())}`)).toMatchObject({
      httpStatus: 400,
      issues: [expect.objectContaining({ path: 'until', message: 'must be after since' })],
    });
    expect(await api('GET', '/v1/deliveries?trigger=data-source-exploded')).toMatchObject({ httpStatus: 400, issues: [expect.objectContaining({ path: 'trigger' })] });

    // A page at a time: the cursor walks the same four, each once.
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await api('GET', `/v1/deliveries?${new URLSearchParams({ since, limit: '1', ...(cursor ? { cursor } : {}) })}`);
      walked.push(...page.deliveries.map((d: Json) => d.eventId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(walked).toEqual([refreshed.id, ...working.toReversed().map((e) => e.id), failing.id]);

    // How each subscription fares, as the console's Subscriptions page shows it.
    const { summaries } = await api('GET', `/v1/deliveries/summaries?subscriptionIds=${[down.id, up.id, succeeded.id].join(',')}`);
    const byId = new Map(summaries.map((s: Json) => [s.subscriptionId, s]));
    expect(byId.get(down.id)).toMatchObject({ lastStatus: 'failed', delivered24h: 0, failed24h: 1, lastDeliveryAt: first.createdAt });
    expect(byId.get(up.id)).toMatchObject({ lastStatus: 'delivered', delivered24h: 2, failed24h: 0 });
    expect(byId.get(succeeded.id)).toMatchObject({ lastStatus: 'delivered', delivered24h: 1, failed24h: 0 });

    // Another tenant, even naming this one's subscription, sees none of it.
    const other = await createTenant('another tenant');
    const asOther = (path: string) => fetch(`${services.url('gateway')}${path}`, { headers: { 'x-api-key': other.apiKey } }).then(json);
    expect(await asOther(`/v1/deliveries?subscriptionId=${up.id}`)).toEqual({ deliveries: [], nextCursor: null });
    expect(await asOther(`/v1/deliveries/summaries?subscriptionIds=${up.id}`)).toEqual({
      summaries: [{ subscriptionId: up.id, lastDeliveryAt: null, lastStatus: null, delivered24h: 0, failed24h: 0 }],
    });
    expect(await api('GET', '/v1/deliveries/summaries?subscriptionIds=not-an-id')).toMatchObject({ httpStatus: 400, issues: [expect.objectContaining({ path: expect.stringMatching(/^subscriptionIds/) })] });
  });

  it('recovers every failed delivery of a time window', async () => {
    answers.set('/recover', () => 503);
    const sub = await subscribe('/recover');
    const since = new Date(Date.now() - 1_000).toISOString();
    const events = await fire('/recover', 3);
    answers.set('/recover', () => 200);
    expect(await api('POST', `/v1/subscriptions/${sub.id}/recover`, { since })).toEqual({ httpStatus: 202, recovered: 3 });
    await pipelineSettled(kafka, [tenantId]);
    const delivered = receiver.at('/recover').filter((c) => c.json && (c.json as Json).eventId);
    expect(new Set(delivered.slice(-3).map((c) => (c.json as Json).eventId))).toEqual(new Set(events.map((e) => e.id)));
  });

  it('disables an endpoint failing for too long, with the reason; enabling it again replays what it missed', async () => {
    answers.set('/flapping', () => 500);
    const sub = await subscribe('/flapping');
    const since = new Date(Date.now() - 1_000).toISOString();
    await fire('/flapping'); // fails, and starts the endpoint's failure clock
    await new Promise((resolve) => setTimeout(resolve, 2_100)); // DISPATCH_DISABLE_AFTER is 2 s in this run
    await fire('/flapping'); // still failing, past the limit: disabled
    await kafka.waitForGroup(kafka.groupId('tripline-registry', 'outcomes'), 'deliveryOutcomes');
    const disabled = await api('GET', `/v1/subscriptions/${sub.id}`);
    expect(disabled).toMatchObject({ status: 'disabled', disabledReason: expect.stringMatching(/^callbacks failed for \d+ s without a success/) });

    // Disabled: nothing more is matched or sent.
    const attemptsBefore = receiver.at('/flapping').length;
    await fire('/flapping');
    expect(receiver.at('/flapping')).toHaveLength(attemptsBefore);

    answers.set('/flapping', () => 200);
    const enabled = await api('POST', `/v1/subscriptions/${sub.id}/enable`, { recoverSince: since });
    expect(enabled).toMatchObject({ httpStatus: 200, status: 'active', disabledReason: null });
    await pipelineSettled(kafka, [tenantId]);
    const log = await api('GET', `/v1/subscriptions/${sub.id}/deliveries`);
    expect(log.deliveries.map((d: Json) => d.status)).toEqual(['delivered', 'delivered']);
  });

  it('holds events until the callback answers the validation handshake', async () => {
    // This receiver echoes the code, as a receiver that wants the events does.
    receiver.respondWith((c) => {
      const body = c.json as Json;
      if (c.path === '/handshake' && body?.type === 'subscription.validation') {
        return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ validationResponse: body.validationCode }) };
      }
      return answers.get(c.path)?.(body) ?? 200;
    });
    const sub = await subscribe('/handshake', { handshake: true });
    expect(sub.status).toBe('pending_validation');
    await receiver.waitFor((got) => got.some((c) => c.path === '/handshake'));
    const [validation] = receiver.at('/handshake');
    expect(validation.json).toMatchObject({ type: 'subscription.validation', subscriptionId: sub.id, validationCode: expect.any(String) });
    expect(() => new Webhook(sub.secret).verify(validation.body, headersOf(validation))).not.toThrow();
    await pipelineSettled(kafka, [tenantId]);
    await kafka.waitForGroup(kafka.groupId('tripline-registry', 'outcomes'), 'deliveryOutcomes');
    expect(await api('GET', `/v1/subscriptions/${sub.id}`)).toMatchObject({ status: 'active' });
    const [event] = await fire('/handshake');
    expect(receiver.at('/handshake').map((c) => (c.json as Json).eventId ?? 'validation')).toEqual(['validation', event.id]);
  });

  it('disables a subscription whose callback does not answer the handshake', async () => {
    const sub = await subscribe('/no-handshake', { handshake: true });
    await receiver.waitFor((got) => got.some((c) => c.path === '/no-handshake'));
    await pipelineSettled(kafka, [tenantId]);
    await kafka.waitForGroup(kafka.groupId('tripline-registry', 'outcomes'), 'deliveryOutcomes');
    expect(await api('GET', `/v1/subscriptions/${sub.id}`)).toMatchObject({
      status: 'disabled',
      disabledReason: expect.stringMatching(/^validation handshake failed/),
    });
  });

  it('refuses at subscribe time a callback URL on a private or metadata address, naming why', async () => {
    for (const url of ['http://10.1.2.3/hook', 'http://169.254.169.254/latest/meta-data', 'http://[fd00::1]/hook']) {
      const res = await api('POST', '/v1/subscriptions/data-source-refresh-failed', { callbackUrl: url });
      expect(res.httpStatus).toBe(400);
      expect(res.issues).toEqual([{ path: 'callbackUrl', message: expect.stringMatching(/refused/) }]);
    }
  });
});
