import { deliveryRequestFixture, json, pipelineSettled, query, refreshEvent, startStack, type Json, type TestStack } from '@tripline/testing';

/**
 * What one receiver or one tenant can do to everyone else's callbacks, through the five running
 * services: bytes a receiver answers cannot stop its delivery (or anyone's) from being recorded;
 * one tenant's hanging endpoints cannot take every dispatch slot; and whoever can write to the
 * deliveries topic cannot choose where a callback goes, nor send one for another tenant.
 */
describe('Tripline end to end: no receiver and no tenant stops anyone else\'s callbacks', () => {
  let stack: TestStack;
  /** Callbacks to /hang/... hang until released, at the end of the fairness test; after that they answer at once. */
  const hanging: Array<() => void> = [];
  let hang = true;
  const releaseHanging = () => {
    hang = false;
    for (const release of hanging.splice(0)) release();
  };

  // A small dispatcher (40 slots) makes one tenant's hanging endpoints able to fill it; a long
  // timeout keeps them hanging for the whole test.
  const env = { DISPATCH_CONCURRENCY: '40', DISPATCH_TIMEOUT: '60s' };

  const api = async (apiKey: string, method: string, path: string, body?: unknown): Promise<Json> => {
    const res = await fetch(`${stack.services.url('gateway')}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { httpStatus: res.status, ...(res.status === 204 ? {} : await json(res)) };
  };
  const subscribe = async (apiKey: string, path: string, dataSourceId: string) => {
    const sub = await api(apiKey, 'POST', '/v1/subscriptions/data-source-refresh-failed', { callbackUrl: stack.receiver.url(path), dataSourceId });
    expect(sub.httpStatus).toBe(201);
    return sub;
  };
  const fire = async (apiKey: string, dataSourceId: string) => {
    const res = await fetch(`${stack.services.url('ingestion')}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify(refreshEvent({ dataSourceId })),
    });
    expect(res.status).toBe(202);
  };
  const log = async (apiKey: string, subscriptionId: string) => (await api(apiKey, 'GET', `/v1/subscriptions/${subscriptionId}/deliveries`)).deliveries as Json[];

  beforeAll(async () => {
    stack = await startStack('e2e-dispatch-isolation', env);
    stack.receiver.respondWith((c) => {
      if (c.path.startsWith('/hang/') && hang) return new Promise<number>((resolve) => hanging.push(() => resolve(200)));
      if (c.path === '/nul') return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok\u0000\u0000\u0007done' };
      return 200;
    });
  });
  afterAll(async () => {
    releaseHanging();
    await stack?.stop();
  });

  it('records a callback answered with NUL bytes as delivered, shows the answer escaped, and records the neighbours\' attempts of that moment', async () => {
    const receiverTenant = await stack.createTenant('answers NUL');
    const neighbour = await stack.createTenant('neighbour');
    const nul = await subscribe(receiverTenant.apiKey, '/nul', 'ds-nul');
    const fine = await subscribe(neighbour.apiKey, '/neighbour', 'ds-neighbour');
    await stack.kafka.waitForGroup(stack.kafka.groupId('tripline-dispatcher', 'endpoints'), 'subscriptionChanges');

    await Promise.all([fire(receiverTenant.apiKey, 'ds-nul'), fire(neighbour.apiKey, 'ds-neighbour')]);
    await pipelineSettled(stack.kafka, [receiverTenant.tenantId, neighbour.tenantId]);

    const [delivery] = await log(receiverTenant.apiKey, nul.id);
    expect(delivery).toMatchObject({ status: 'delivered', attemptCount: 1 });
    expect(delivery.attempts).toEqual([
      expect.objectContaining({
        attemptNumber: 1,
        statusCode: 200,
        error: null,
        // Readable where it is text; control characters escaped; the exact bytes alongside.
        responseExcerpt: 'ok\\u0000\\u0000\\u0007done',
        responseExcerptBase64: Buffer.from('ok\u0000\u0000\u0007done').toString('base64'),
      }),
    ]);
    expect(stack.receiver.at('/nul')).toHaveLength(1);

    const [neighbours] = await log(neighbour.apiKey, fine.id);
    expect(neighbours).toMatchObject({ status: 'delivered', attemptCount: 1, attempts: [expect.objectContaining({ statusCode: 200, responseExcerpt: null })] });
  });

  it('posts only to the subscription\'s own callback URL, whatever URL a delivery request on Kafka names', async () => {
    const owner = await stack.createTenant('owner');
    const sub = await subscribe(owner.apiKey, '/own', 'ds-own');
    await stack.kafka.waitForGroup(stack.kafka.groupId('tripline-dispatcher', 'endpoints'), 'subscriptionChanges');

    const forged = deliveryRequest(owner.tenantId, sub.id, stack.receiver.url('/elsewhere'));
    await stack.kafka.publishRaw('deliveries', [{ key: sub.id, value: JSON.stringify(forged) }]);
    await pipelineSettled(stack.kafka, [owner.tenantId]);

    expect(stack.receiver.at('/own').map((c) => c.headers['webhook-id'])).toEqual([forged.deliveryId]);
    expect(stack.receiver.at('/elsewhere')).toEqual([]);
  });

  it('sends nothing for a delivery request naming another tenant\'s subscription, and says why', async () => {
    const forger = await stack.createTenant('forger');
    const victim = await stack.createTenant('victim');
    const sub = await subscribe(victim.apiKey, '/victim', 'ds-victim');
    await stack.kafka.waitForGroup(stack.kafka.groupId('tripline-dispatcher', 'endpoints'), 'subscriptionChanges');

    const forged = deliveryRequest(forger.tenantId, sub.id, stack.receiver.url('/stolen'));
    await stack.kafka.publishRaw('deliveries', [{ key: sub.id, value: JSON.stringify(forged) }]);
    await pipelineSettled(stack.kafka, [forger.tenantId]);

    expect(stack.receiver.at('/victim')).toEqual([]);
    expect(stack.receiver.at('/stolen')).toEqual([]);
    const [row] = await query<{ status: string; attempt_count: number; last_error: string }>('SELECT status, attempt_count, last_error FROM deliveries WHERE id = $1', [
      forged.deliveryId,
    ]);
    expect(row).toEqual({ status: 'failed', attempt_count: 0, last_error: expect.stringMatching(/another tenant/) });
    expect(await log(victim.apiKey, sub.id)).toEqual([]);
  });

  it('delivers a tenant\'s callbacks while another tenant\'s 50 endpoints hang', async () => {
    const slow = await stack.createTenant('hanging endpoints');
    const quick = await stack.createTenant('quick endpoint');
    const slowSubs: Json[] = [];
    for (let i = 0; i < 50; i += 10) {
      slowSubs.push(...(await Promise.all(Array.from({ length: 10 }, (_, j) => subscribe(slow.apiKey, `/hang/${i + j}`, 'ds-slow')))));
    }
    const quickSub = await subscribe(quick.apiKey, '/quick', 'ds-quick');
    await stack.kafka.waitForGroup(stack.kafka.groupId('tripline-dispatcher', 'endpoints'), 'subscriptionChanges');

    await fire(slow.apiKey, 'ds-slow'); // 50 callbacks, none of which will answer within the test
    await stack.receiver.waitFor((got) => got.filter((c) => c.path.startsWith('/hang/')).length >= 10);

    await fire(quick.apiKey, 'ds-quick');
    await stack.receiver.waitFor((got) => got.some((c) => c.path === '/quick'), 20_000);
    await pipelineSettled(stack.kafka, [quick.tenantId]);
    expect(await log(quick.apiKey, quickSub.id)).toEqual([expect.objectContaining({ status: 'delivered', attemptCount: 1 })]);

    // ... while the hanging ones still hang: not one of them has an answer yet.
    const [{ finished }] = await query<{ finished: number }>("SELECT count(*)::int AS finished FROM deliveries WHERE tenant_id = $1 AND status <> 'pending'", [slow.tenantId]);
    expect(finished).toBe(0);
    releaseHanging();
  });
});

/** A delivery request as anyone able to write to the deliveries topic could publish it, naming a URL of its choice. */
function deliveryRequest(tenantId: string, subscriptionId: string, callbackUrl: string) {
  return { ...deliveryRequestFixture(tenantId, subscriptionId), callbackUrl };
}
