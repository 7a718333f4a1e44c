import type { SubscriptionDisabled } from '@tripline/contracts';
import {
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
 * When a flow stops receiving, someone is told, through the five running services: a callback
 * answers 410 (or keeps failing), the registry disables its subscription and publishes a notice
 * on the operations topic, the tenant's operations webhook gets it signed, and the tenant's
 * subscription-disabled flows fire; another tenant hears nothing.
 */
describe('Tripline end to end: telling a tenant when a flow stops receiving', () => {
  let stack: TestStack;
  let services: ServiceProcesses;
  let receiver: CallbackReceiver;
  let kafka: TestKafka;
  const tenants: Array<{ tenantId: string; apiKey: string }> = [];
  /** What each path answers; 200 when not set. */
  const answers = new Map<string, number>();

  const api = async (apiKey: string | null, method: string, path: string, body?: unknown): Promise<Json> => {
    const res = await fetch(`${services.url('gateway')}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { httpStatus: res.status, ...(res.status === 204 ? {} : await json(res)) };
  };
  const newTenant = async (name: string) => {
    const tenant = await stack.createTenant(name);
    tenants.push(tenant);
    return tenant;
  };
  const subscribe = async (apiKey: string, trigger: string, path: string, params: Record<string, unknown> = {}) => {
    const sub = await api(apiKey, 'POST', `/v1/subscriptions/${trigger}`, { callbackUrl: receiver.url(path), ...params });
    expect(sub.httpStatus).toBe(201);
    return sub;
  };
  const setOperationsWebhook = (apiKey: string, path: string) => api(apiKey, 'PUT', '/v1/operations-webhook', { url: receiver.url(path) });
  /** A failed refresh of `dataSourceId`, which fires the tenant's data-source-refresh-failed subscriptions to it. */
  async function fire(apiKey: string, dataSourceId: string) {
    const res = await fetch(`${services.url('ingestion')}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ events: [refreshEvent({ dataSourceId })] }),
    });
    expect(res.status).toBe(202);
    await settled();
  }
  /**
   * Everything caused so far has happened: the events delivered, their outcomes acted on (the
   * registry commits after publishing its notices), the notices matched (the evaluator commits
   * after publishing their deliveries), those delivered. Three rounds: a notice's own deliveries
   * can disable a watcher, whose notice is delivered in the next round, and no chain is longer
   * (a subscription-disabled subscription never tells its own kind).
   */
  async function settled() {
    const ids = tenants.map((t) => t.tenantId);
    await pipelineSettled(kafka, ids);
    for (let round = 0; round < 3; round++) {
      await kafka.waitForGroup(kafka.groupId('tripline-registry', 'outcomes'), 'deliveryOutcomes');
      await kafka.waitForGroup(kafka.groupId('tripline-evaluator', 'operations'), 'operations');
      await pipelineSettled(kafka, ids);
    }
  }
  const noticesAbout = async (subscriptionId: string): Promise<SubscriptionDisabled[]> =>
    (await kafka.readValues('operations')).filter((n) => n.subscriptionId === subscriptionId);
  const verified = (secret: string, path: string) =>
    receiver.at(path).map((c) => new Webhook(secret).verify(c.body, c.headers as Record<string, string>) as Json);

  beforeAll(async () => {
    // Disabled at the first failure (DISPATCH_DISABLE_AFTER 0): the failing path needs no waiting.
    stack = await startStack('e2e-notices', { DISPATCH_RETRY_SCHEDULE: '0,100ms,200ms', DISPATCH_DISABLE_AFTER: '0ms' });
    ({ services, receiver, kafka } = stack);
    tenants.push({ tenantId: stack.tenantId, apiKey: stack.apiKey });
    receiver.respondWith((c) => answers.get(c.path) ?? 200);
  });
  afterAll(async () => stack?.stop());

  it("a callback answers 410: the subscription is disabled, the notice is on the topic once, the tenant's operations webhook gets it signed and its watcher fires; another tenant hears nothing", async () => {
    const { apiKey, tenantId } = tenants[0];
    const ops = await setOperationsWebhook(apiKey, '/a/ops');
    expect(ops).toMatchObject({ httpStatus: 201, trigger: 'subscription-disabled', status: 'active', secret: expect.stringMatching(/^whsec_/) });
    const watcher = await subscribe(apiKey, 'subscription-disabled', '/a/watcher');
    await subscribe(apiKey, 'subscription-disabled', '/a/segments-only', { trigger: 'segment-threshold-crossed' });
    const other = await newTenant('neighbour');
    const otherOps = await setOperationsWebhook(other.apiKey, '/b/ops');
    expect(otherOps.httpStatus).toBe(201);
    await subscribe(other.apiKey, 'subscription-disabled', '/b/watcher');

    answers.set('/a/gone?sig=flow-token', 410); // the receiver sees the path with its query
    const flow = await api(apiKey, 'POST', '/v1/subscriptions/data-source-refresh-failed', { callbackUrl: `${receiver.url('/a/gone')}?sig=flow-token`, dataSourceId: 'ds-gone' });
    await fire(apiKey, 'ds-gone');

    expect(await api(apiKey, 'GET', `/v1/subscriptions/${flow.id}`)).toMatchObject({ status: 'disabled', disabledReason: 'callback answered 410: the flow no longer exists' });
    const notices = await noticesAbout(flow.id);
    expect(new Set(notices.map((n) => n.noticeId)).size).toBe(1);
    const [notice] = notices;
    expect(notice).toMatchObject({
      kind: 'subscription.disabled',
      tenantId,
      trigger: 'data-source-refresh-failed',
      operationsWebhook: false,
      callbackUrl: `${receiver.url('/a/gone')}?sig=REDACTED`,
      reason: 'gone',
      lastStatusCode: 410,
      failingSince: null,
    });

    const told = {
      eventId: notice.noticeId,
      tenantId,
      trigger: 'subscription-disabled',
      disabledSubscriptionId: flow.id,
      disabledTrigger: 'data-source-refresh-failed',
      operationsWebhook: false,
      callbackUrl: `${receiver.url('/a/gone')}?sig=REDACTED`,
      reason: 'gone',
      reasonText: 'callback answered 410: the flow no longer exists',
      lastStatusCode: 410,
    };
    // Signed like every callback, with the secret the PUT answer gave; once.
    expect(verified(ops.secret, '/a/ops')).toEqual([expect.objectContaining({ ...told, subscriptionId: ops.id })]);
    expect(verified(watcher.secret, '/a/watcher')).toEqual([expect.objectContaining({ ...told, subscriptionId: watcher.id })]);
    expect(receiver.at('/a/segments-only')).toHaveLength(0);
    expect(receiver.at('/b/ops')).toHaveLength(0);
    expect(receiver.at('/b/watcher')).toHaveLength(0);
    // Through the dispatcher's durable delivery: in the operations webhook's delivery log.
    const log = await api(apiKey, 'GET', `/v1/subscriptions/${ops.id}/deliveries`);
    expect(log.deliveries).toEqual([expect.objectContaining({ eventId: notice.noticeId, status: 'delivered' })]);
  });

  it('an endpoint failing past DISPATCH_DISABLE_AFTER: the notice says failing, since when, with the last status', async () => {
    const { apiKey } = tenants[0];
    const ops = await api(apiKey, 'PUT', '/v1/operations-webhook', { url: receiver.url('/a/ops') });
    expect(ops.httpStatus).toBe(200); // already set: the same subscription, the same secret
    const before = receiver.at('/a/ops').length;
    answers.set('/a/failing', 503);
    const flow = await subscribe(apiKey, 'data-source-refresh-failed', '/a/failing', { dataSourceId: 'ds-failing' });
    await fire(apiKey, 'ds-failing');

    const disabled = await api(apiKey, 'GET', `/v1/subscriptions/${flow.id}`);
    expect(disabled).toMatchObject({ status: 'disabled', disabledReason: expect.stringMatching(/^callbacks failed for \d+ s without a success \(last: HTTP 503\)$/) });
    const [notice] = await noticesAbout(flow.id);
    expect(notice).toMatchObject({ reason: 'failing', reasonText: disabled.disabledReason, lastStatusCode: 503, failingSince: expect.any(String) });
    const got = verified(ops.secret, '/a/ops').slice(before);
    expect(got).toEqual([expect.objectContaining({ disabledSubscriptionId: flow.id, reason: 'failing', lastStatusCode: 503, failingSince: notice.failingSince })]);
  });

  it('watchers whose flows are gone do not set each other off; the operations webhook gone is told to the watchers', async () => {
    const { apiKey } = await newTenant('watchers all gone');
    const ops = await setOperationsWebhook(apiKey, '/c/ops');
    for (const path of ['/c/w1', '/c/flow']) answers.set(path, 410);
    const w1 = await subscribe(apiKey, 'subscription-disabled', '/c/w1');
    const w2 = await subscribe(apiKey, 'subscription-disabled', '/c/w2');
    const flow = await subscribe(apiKey, 'data-source-refresh-failed', '/c/flow', { dataSourceId: 'ds-c' });
    await fire(apiKey, 'ds-c');

    // The flow's notice reached both watchers; w1 answered 410 and was disabled, w2 stays. w1's
    // notice went to the operations webhook only: w2, still active, never heard of it.
    expect((await api(apiKey, 'GET', `/v1/subscriptions/${w1.id}`)).status).toBe('disabled');
    expect((await api(apiKey, 'GET', `/v1/subscriptions/${w2.id}`)).status).toBe('active');
    expect(receiver.at('/c/w1').map((c) => (c.json as Json).disabledSubscriptionId)).toEqual([flow.id]);
    expect(receiver.at('/c/w2').map((c) => (c.json as Json).disabledSubscriptionId)).toEqual([flow.id]);
    expect(new Set(verified(ops.secret, '/c/ops').map((p) => p.disabledSubscriptionId))).toEqual(new Set([flow.id, w1.id]));
    expect(receiver.at('/c/ops')).toHaveLength(2);

    // Now the operations webhook itself is gone: the watchers hear of it, and nothing more happens.
    answers.set('/c/ops', 410);
    const w3 = await subscribe(apiKey, 'subscription-disabled', '/c/w3');
    answers.set('/c/flow2', 410);
    const flow2 = await subscribe(apiKey, 'data-source-refresh-failed', '/c/flow2', { dataSourceId: 'ds-c2' });
    await fire(apiKey, 'ds-c2');
    expect(await api(apiKey, 'GET', '/v1/operations-webhook')).toMatchObject({ httpStatus: 200, status: 'disabled', disabledReason: 'callback answered 410: the flow no longer exists' });
    // Two callbacks to different endpoints: in no particular order.
    const byId = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
    expect(verified(w3.secret, '/c/w3').map((p) => [p.disabledSubscriptionId, p.operationsWebhook]).sort(byId)).toEqual(
      [
        [flow2.id, false],
        [ops.id, true],
      ].sort(byId),
    );
    expect(new Set(receiver.at('/c/w2').map((c) => (c.json as Json).disabledSubscriptionId))).toEqual(new Set([flow.id, flow2.id, ops.id]));
    expect(receiver.at('/c/w2')).toHaveLength(3);
    expect(receiver.at('/c/ops')).toHaveLength(3);

    // PUT makes it active again, with the secret it had.
    answers.delete('/c/ops');
    expect(await setOperationsWebhook(apiKey, '/c/ops')).toMatchObject({ httpStatus: 200, status: 'active', disabledReason: null, secret: ops.secret });
  });

  it('configures the operations webhook with the API key: the URL checked like a callback URL, named in issues when refused', async () => {
    const { apiKey } = await newTenant('configures');
    expect(await api(apiKey, 'GET', '/v1/operations-webhook')).toMatchObject({ httpStatus: 404, error: 'not_found' });
    expect((await api(null, 'PUT', '/v1/operations-webhook', { url: receiver.url('/d/ops') })).httpStatus).toBe(401);
    for (const body of [{}, { url: 'not a url' }, { url: 'ftp://example.test/hook' }, { url: receiver.url('/d/ops'), extra: 1 }, { url: `https://example.test/${'x'.repeat(2050)}` }]) {
      const refused = await api(apiKey, 'PUT', '/v1/operations-webhook', body);
      expect(refused).toMatchObject({ httpStatus: 400, error: 'validation_failed' });
      expect(refused.issues.map((i: Json) => i.path)).toContain('extra' in body ? '(root)' : 'url');
    }
    // An address callbacks may not reach (only loopback is allowed in this run): refused at once, with the reason.
    const privateAddress = await api(apiKey, 'PUT', '/v1/operations-webhook', { url: 'http://10.1.2.3/hook' });
    expect(privateAddress).toMatchObject({ httpStatus: 400, error: 'validation_failed', issues: [{ path: 'url', message: expect.any(String) }] });
    expect(await api(apiKey, 'GET', '/v1/operations-webhook')).toMatchObject({ httpStatus: 404 });

    const set = await setOperationsWebhook(apiKey, '/d/ops');
    expect(set).toMatchObject({ httpStatus: 201, secret: expect.stringMatching(/^whsec_/) });
    const moved = await setOperationsWebhook(apiKey, '/d/ops-moved');
    expect(moved).toMatchObject({ httpStatus: 200, id: set.id, callbackUrl: receiver.url('/d/ops-moved'), secret: set.secret });
    const shown = await api(apiKey, 'GET', '/v1/operations-webhook');
    expect(shown).toMatchObject({ httpStatus: 200, id: set.id, trigger: 'subscription-disabled', status: 'active' });
    expect(shown.secret).toBeUndefined();
    expect((await api(apiKey, 'DELETE', '/v1/operations-webhook')).httpStatus).toBe(204);
    expect((await api(apiKey, 'GET', '/v1/operations-webhook')).httpStatus).toBe(404);
    expect((await api(apiKey, 'DELETE', '/v1/operations-webhook')).httpStatus).toBe(204);
  });
});
