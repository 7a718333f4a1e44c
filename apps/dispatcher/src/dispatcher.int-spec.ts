import type { DeliveryRequest, DispatcherOutcome, DispatcherQuestion, DispatcherRequest, Subscription } from '@tripline/contracts';
import {
  CallbackReceiver,
  deliveryRequestFixture,
  isolatedNamespace,
  query,
  startInProcess,
  subscriptionFixture,
  TEST_SECRETS_KEY,
  TestKafka,
  type RunningService,
} from '@tripline/testing';
import { SecretBox } from '@tripline/secrets';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { loadDispatcherEnv } from './dispatcher.env';
import { dispatcherModule } from './dispatcher.module';

describe('dispatcher, against the real Kafka and Postgres', () => {
  const namespace = isolatedNamespace('dispatcher');
  const tenant = randomUUID();
  let service: RunningService;
  let kafka: TestKafka;
  let receiver: CallbackReceiver;
  /** Status codes (and headers) the receiver answers, per path, in order; then 200. */
  const scripts = new Map<string, Array<number | { status: number; headers: Record<string, string> }>>();
  const hanging: Array<() => void> = [];

  /** An endpoint the dispatcher knows (as the registry would announce it), with its secrets. */
  async function endpoint(path: string, overrides: Parameters<typeof subscriptionFixture>[2] = {}) {
    const fixture = subscriptionFixture(tenant, receiver.url(path), overrides);
    await announce(fixture.subscription);
    return fixture;
  }
  async function announce(subscription: Subscription) {
    await kafka.publish('subscriptionChanges', [{ key: subscription.id, value: { change: 'created', subscription } }]);
    await kafka.waitForGroup(kafka.groupId('tripline-dispatcher', 'endpoints'), 'subscriptionChanges');
  }

  const request = (subscription: Subscription, overrides: Partial<DeliveryRequest> = {}): DeliveryRequest => ({
    ...deliveryRequestFixture(tenant, subscription.id),
    ...overrides,
  });

  const deliveryRow = async (id: string) =>
    (await query<{ status: string; attempt_count: number }>('SELECT status, attempt_count FROM deliveries WHERE id = $1', [id]))[0];

  /** Publishes requests and waits until each delivery is final; returns what each came to, as recorded. */
  async function dispatch(...requests: DeliveryRequest[]) {
    await kafka.publish('deliveries', requests.map((r) => ({ key: r.subscriptionId, value: r })));
    return finalOutcomes([...new Set(requests.map((r) => r.deliveryId))]);
  }

  /** Waits until each delivery is final; returns what each came to, as recorded. */
  async function finalOutcomes(ids: string[]) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const rows = await query<{ id: string; status: string; attempt_count: number; last_status_code: number | null; last_error: string | null }>(
        `SELECT id, status, attempt_count, last_status_code, last_error FROM deliveries WHERE id = ANY($1::uuid[]) AND status <> 'pending'`,
        [ids],
      );
      if (rows.length === ids.length) {
        return rows.map((r) => ({ deliveryId: r.id, result: r.status, attempts: r.attempt_count, lastStatusCode: r.last_status_code, lastError: r.last_error }));
      }
      if (Date.now() > deadline) throw new Error(`no final outcome for ${ids.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Waits until the outcomes of `ids` are on the outcomes topic; returns every outcome published for this test's tenant. */
  async function publishedOutcomes(ids: string[]) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const outcomes = (await kafka.readValues('deliveryOutcomes')).filter((o) => o.tenantId === tenant);
      if (ids.every((id) => outcomes.some((o) => o.deliveryId === id))) return outcomes;
      if (Date.now() > deadline) throw new Error(`outcomes of ${ids.join(', ')} not published`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Asks the dispatcher as the gateway does (a request on Kafka), and waits for its reply. */
  async function ask(question: DispatcherQuestion): Promise<DispatcherOutcome> {
    const requestId = randomUUID();
    await kafka.publish('dispatcherRequests', [{ key: tenant, value: { ...question, requestId, replyTo: 'dispatcher-int-spec' } as DispatcherRequest }]);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const reply = (await kafka.readValues('dispatcherReplies')).find((r) => r.requestId === requestId);
      if (reply) return reply.outcome;
      if (Date.now() > deadline) throw new Error(`no reply to ${question.kind} within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const attempts = (deliveryId: string) =>
    query<{ attempt_number: number; status_code: number | null; error: string | null; started_at: Date }>(
      'SELECT attempt_number, status_code, error, started_at FROM delivery_attempts WHERE delivery_id = $1 ORDER BY attempt_number',
      [deliveryId],
    );

  beforeAll(async () => {
    receiver = await new CallbackReceiver().start();
    receiver.respondWith((c) => {
      if (c.path === '/hang') return new Promise<number>((resolve) => hanging.push(() => resolve(200)));
      const next = scripts.get(c.path)?.shift() ?? 200;
      return next;
    });
    service = await startInProcess('dispatcher', namespace, loadDispatcherEnv, dispatcherModule, {
      DISPATCH_RETRY_SCHEDULE: '0,50ms,100ms',
      DISPATCH_TIMEOUT: '2s',
    });
    kafka = new TestKafka(namespace);
  });
  afterAll(async () => {
    for (const release of hanging) release();
    await kafka?.close();
    await service?.close();
    await receiver?.stop();
  });

  it('POSTs the exact payload, signed per Standard Webhooks, with the delivery id as webhook-id, and records the attempt', async () => {
    const { subscription, secrets } = await endpoint('/ok');
    const req = request(subscription);
    const [outcome] = await dispatch(req);
    expect(outcome).toMatchObject({ result: 'delivered', attempts: 1, lastStatusCode: 200 });
    const [callback] = receiver.at('/ok');
    expect(callback.headers['content-type']).toBe('application/json');
    expect(callback.headers['webhook-id']).toBe(req.deliveryId);
    // The reference verifier accepts it: id, timestamp and body bytes are all covered.
    const verified = new Webhook(secrets[0]).verify(callback.body, callback.headers as Record<string, string>);
    expect(verified).toEqual(JSON.parse(req.body));
    expect(callback.body).toBe(req.body);
    expect(() => new Webhook(secrets[0]).verify(callback.body.replace('boom', 'bomb'), callback.headers as Record<string, string>)).toThrow();
    expect(await attempts(req.deliveryId)).toEqual([expect.objectContaining({ attempt_number: 1, status_code: 200, error: null })]);
    expect(await deliveryRow(req.deliveryId)).toEqual({ status: 'delivered', attempt_count: 1 });
  });

  it('signs with both secrets during a rotation\'s overlap, each verifiable on its own', async () => {
    const { subscription, secrets } = await endpoint('/rotated', { secretCount: 2 });
    await dispatch(request(subscription));
    const [callback] = receiver.at('/rotated');
    expect(String(callback.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of secrets) expect(() => new Webhook(secret).verify(callback.body, callback.headers as Record<string, string>)).not.toThrow();
  });

  it('retries a 500 on schedule with the same webhook-id and the same bytes until the receiver recovers', async () => {
    scripts.set('/flaky', [500, 503]);
    const { subscription } = await endpoint('/flaky');
    const req = request(subscription);
    const [outcome] = await dispatch(req);
    expect(outcome).toMatchObject({ result: 'delivered', attempts: 3 });
    const calls = receiver.at('/flaky');
    expect(calls.map((c) => c.headers['webhook-id'])).toEqual([req.deliveryId, req.deliveryId, req.deliveryId]);
    expect(new Set(calls.map((c) => c.body)).size).toBe(1);
    expect((await attempts(req.deliveryId)).map((a) => a.status_code)).toEqual([500, 503, 200]);
  });

  it('honours Retry-After: the next attempt waits at least that long', async () => {
    scripts.set('/busy', [{ status: 429, headers: { 'retry-after': '1' } }]);
    const { subscription } = await endpoint('/busy');
    const req = request(subscription);
    await dispatch(req);
    const [first, second] = await attempts(req.deliveryId);
    expect(first.status_code).toBe(429);
    expect(second.started_at.getTime() - first.started_at.getTime()).toBeGreaterThanOrEqual(1_000);
  });

  it('gives up after the last attempt of the schedule: a dead letter that stays queryable', async () => {
    scripts.set('/down', [500, 500, 500]);
    const { subscription } = await endpoint('/down');
    const req = request(subscription);
    const [outcome] = await dispatch(req);
    expect(outcome).toMatchObject({ result: 'failed', attempts: 3, lastStatusCode: 500 });
    expect(await deliveryRow(req.deliveryId)).toEqual({ status: 'failed', attempt_count: 3 });
  });

  it('does not retry a 400, and reports a 410 as gone', async () => {
    scripts.set('/bad', [400]);
    scripts.set('/gone', [410]);
    const bad = request((await endpoint('/bad')).subscription);
    const gone = request((await endpoint('/gone')).subscription);
    const outcomes = await dispatch(bad, gone);
    expect(outcomes.find((o) => o.deliveryId === bad.deliveryId)).toMatchObject({ result: 'failed', attempts: 1, lastStatusCode: 400 });
    expect(outcomes.find((o) => o.deliveryId === gone.deliveryId)).toMatchObject({ result: 'gone', attempts: 1, lastStatusCode: 410 });
  });

  it('publishes the outcomes the registry acts on (gone, failed), and not every delivered one', async () => {
    scripts.set('/gone-later', [410]);
    const delivered = request((await endpoint('/fine')).subscription);
    await dispatch(delivered);
    const gone = request((await endpoint('/gone-later')).subscription);
    await dispatch(gone);
    // Outcomes are published in the order they became final: the delivered one would be there by now.
    const outcomes = await publishedOutcomes([gone.deliveryId]);
    expect(outcomes.find((o) => o.deliveryId === gone.deliveryId)).toMatchObject({ result: 'gone', subscriptionId: gone.subscriptionId });
    expect(outcomes.map((o) => o.deliveryId)).not.toContain(delivered.deliveryId);
  });

  it('resends what a re-enabled endpoint missed, though the change that re-enabled it has not reached the dispatcher yet', async () => {
    scripts.set('/re-enabled', [500, 500, 500]);
    const { subscription } = await endpoint('/re-enabled');
    const missed = request(subscription);
    expect((await dispatch(missed))[0]).toMatchObject({ result: 'failed' });
    const disabled: Subscription = { ...subscription, status: 'disabled', disabledReason: 'callbacks failed for 5.0 days without a success', version: 2 };
    await kafka.publish('subscriptionChanges', [{ key: subscription.id, value: { change: 'disabled', subscription: disabled } }]);
    await kafka.waitForGroup(kafka.groupId('tripline-dispatcher', 'endpoints'), 'subscriptionChanges');

    // The gateway re-enables it at the registry and asks at once for a resend; the 'enabled'
    // change is not on the topic yet (it may be slower than the request on a busy broker).
    const enabled: Subscription = { ...subscription, status: 'active', disabledReason: null, version: 3 };
    const since = new Date(Date.now() - 60_000).toISOString();
    expect(await ask({ kind: 'recover', tenantId: tenant, subscriptionId: subscription.id, since, current: enabled })).toEqual({ kind: 'recovered', count: 1 });
    expect((await finalOutcomes([missed.deliveryId]))[0]).toMatchObject({ result: 'delivered' });
  });

  it('restarts the failure clock when the endpoint moves to another URL: the old URL\'s failures say nothing of the new one', async () => {
    scripts.set('/old-url', [500, 500, 500]);
    const { subscription } = await endpoint('/old-url');
    await dispatch(request(subscription));
    const failingSince = async () =>
      (await query<{ failing_since: Date | null }>('SELECT failing_since FROM dispatch_endpoints WHERE subscription_id = $1', [subscription.id]))[0].failing_since;
    expect(await failingSince()).not.toBeNull();

    const moved = subscriptionFixture(tenant, receiver.url('/new-url'), { id: subscription.id, version: 2 }).subscription;
    await kafka.publish('subscriptionChanges', [{ key: subscription.id, value: { change: 'callback-changed', subscription: moved } }]);
    await kafka.waitForGroup(kafka.groupId('tripline-dispatcher', 'endpoints'), 'subscriptionChanges');
    expect(await failingSince()).toBeNull();
  });

  it('records a connection error and retries it', async () => {
    const { subscription } = await endpoint('/nowhere', { callbackUrl: 'http://127.0.0.1:9/unreachable' });
    const req = request(subscription);
    const [outcome] = await dispatch(req);
    expect(outcome).toMatchObject({ result: 'failed', attempts: 3, lastStatusCode: null });
    expect((await attempts(req.deliveryId))[0].error).toMatch(/ECONNREFUSED/);
  });

  it('refuses a callback to a private address at delivery time, and does not retry it', async () => {
    const { subscription } = await endpoint('/private', { callbackUrl: 'http://10.255.255.1/hook' });
    const req = request(subscription);
    const [outcome] = await dispatch(req);
    expect(outcome).toMatchObject({ result: 'failed', attempts: 1 });
    expect(outcome.lastError).toMatch(/^refused: 10\.255\.255\.1 is a private address/);
  });

  it('times out a hanging receiver without holding up other endpoints', async () => {
    const slow = await endpoint('/hang');
    const fast = await endpoint('/fast');
    const hangingRequest = request(slow.subscription);
    await kafka.publish('deliveries', [{ key: slow.subscription.id, value: hangingRequest }]);
    await receiver.waitFor((got) => got.some((c) => c.path === '/hang'));
    const [fastOutcome] = await dispatch(request(fast.subscription));
    expect(fastOutcome.result).toBe('delivered');
    expect(await attempts(hangingRequest.deliveryId)).toEqual([]); // still hanging meanwhile
    const [hangOutcome] = await dispatch(hangingRequest);
    expect(hangOutcome).toMatchObject({ result: 'failed', lastStatusCode: null });
    expect((await attempts(hangingRequest.deliveryId))[0].error).toBe('timed out after 2000 ms');
  });

  it('calls back once for a delivery requested twice', async () => {
    const { subscription } = await endpoint('/twice');
    const req = request(subscription);
    await dispatch(req, req);
    await dispatch(req);
    expect(receiver.at('/twice')).toHaveLength(1);
  });

  it('lists a subscription\'s many large deliveries across pages, each reply well under Kafka\'s message limit', async () => {
    const { subscription } = await endpoint('/large');
    const large = (i: number) => {
      const req = request(subscription);
      return { ...req, body: JSON.stringify({ ...JSON.parse(req.body), errorMessage: `${i}:${'x'.repeat(60_000)}` }) };
    };
    const requests = Array.from({ length: 30 }, (_, i) => large(i));
    await dispatch(...requests);

    const listed: string[] = [];
    let before: [string, string] | undefined;
    let pages = 0;
    do {
      const outcome = await ask({ kind: 'deliveries', tenantId: tenant, subscriptionId: subscription.id, limit: 500, before });
      if (outcome.kind !== 'deliveries') throw new Error(`unexpected answer: ${JSON.stringify(outcome)}`);
      listed.push(...outcome.deliveries.map((d) => d.id));
      before = outcome.next ?? undefined;
      pages++;
    } while (before);
    expect(listed.toSorted()).toEqual(requests.map((r) => r.deliveryId).toSorted());
    expect(pages).toBeGreaterThan(1);
  });

  it('cancels deliveries of a deleted subscription instead of calling it', async () => {
    const { subscription } = await endpoint('/deleted');
    await announce({ ...subscription, status: 'deleted', version: 2 });
    const [outcome] = await dispatch(request(subscription));
    expect(outcome).toMatchObject({ result: 'cancelled', attempts: 0 });
    expect(receiver.at('/deleted')).toEqual([]);
  });

  it('seals at boot an endpoint URL kept in plaintext before the upgrade, and still calls it back', async () => {
    const { subscription } = subscriptionFixture(tenant, receiver.url('/legacy?sig=plain-token'));
    // As migration 20261130030000 leaves a row of an older version: the plaintext URL moved into sealed_callback_url.
    await query(
      `INSERT INTO dispatch_endpoints (subscription_id, tenant_id, sealed_callback_url, status, secrets, version) VALUES ($1, $2, $3, 'active', $4, 1)`,
      [subscription.id, tenant, receiver.url('/legacy?sig=plain-token'), JSON.stringify(subscription.secrets)],
    );
    const upgraded = await startInProcess('dispatcher', namespace, loadDispatcherEnv, dispatcherModule);
    await upgraded.close();

    const [row] = await query<{ sealed_callback_url: string }>('SELECT sealed_callback_url FROM dispatch_endpoints WHERE subscription_id = $1', [subscription.id]);
    expect(row.sealed_callback_url).not.toContain('plain-token');
    const [outcome] = await dispatch(request(subscription));
    expect(outcome).toMatchObject({ result: 'delivered', attempts: 1 });
    expect(receiver.at('/legacy?sig=plain-token')).toHaveLength(1);
  });

  /** An endpoint row as one written under another TRIPLINE_SECRETS_KEY leaves it: its URL does not open with this one. */
  async function unopenableEndpoint(path: string) {
    const { subscription } = subscriptionFixture(tenant, receiver.url(path));
    const sealedElsewhere = new SecretBox(Buffer.alloc(32, 9).toString('base64')).seal(receiver.url(path));
    await query(
      `INSERT INTO dispatch_endpoints (subscription_id, tenant_id, sealed_callback_url, status, secrets, version) VALUES ($1, $2, $3, 'active', $4, 1)`,
      [subscription.id, tenant, sealedElsewhere, JSON.stringify(subscription.secrets)],
    );
    return subscription;
  }

  it('fails, naming why, a claimed delivery whose endpoint URL does not open, and attempts the rest of the claim', async () => {
    const unopenable = await unopenableEndpoint('/unopenable-claimed');
    const neighbour = randomUUID();
    const { subscription: fine } = subscriptionFixture(neighbour, receiver.url('/claimed-beside'));
    await announce(fine);
    const bad = request(unopenable);
    const good = request(fine, { tenantId: neighbour });
    // Recorded due and unclaimed, as retries wait, in one statement: the scheduler's next claim takes both, the bad one first.
    await query(
      `INSERT INTO deliveries (id, tenant_id, subscription_id, event_id, trigger, body, next_attempt_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])`,
      [
        [bad.deliveryId, good.deliveryId],
        [tenant, neighbour],
        [unopenable.id, fine.id],
        [bad.eventId, good.eventId],
        [bad.trigger, good.trigger],
        [bad.body, good.body],
        [new Date(Date.now() - 2_000), new Date(Date.now() - 1_000)],
      ],
    );

    const outcomes = await finalOutcomes([bad.deliveryId, good.deliveryId]);
    expect(outcomes.find((o) => o.deliveryId === good.deliveryId)).toMatchObject({ result: 'delivered', attempts: 1 });
    expect(outcomes.find((o) => o.deliveryId === bad.deliveryId)).toMatchObject({
      result: 'failed',
      attempts: 0,
      lastError: 'the callback URL of its subscription cannot be opened with this TRIPLINE_SECRETS_KEY',
    });
    expect(receiver.at('/claimed-beside')).toHaveLength(1);
    expect(receiver.at('/unopenable-claimed')).toEqual([]);
  });

  it('fails, naming why, a new delivery whose endpoint URL does not open, without holding up the one requested beside it', async () => {
    const unopenable = await unopenableEndpoint('/unopenable-new');
    const { subscription: fine } = await endpoint('/new-beside');
    const bad = request(unopenable);
    const good = request(fine);
    const outcomes = await dispatch(bad, good);
    expect(outcomes.find((o) => o.deliveryId === good.deliveryId)).toMatchObject({ result: 'delivered', attempts: 1 });
    expect(outcomes.find((o) => o.deliveryId === bad.deliveryId)).toMatchObject({ result: 'failed', attempts: 0, lastError: expect.stringContaining('cannot be opened') });
    expect(receiver.at('/unopenable-new')).toEqual([]);
  });

  it('applies a deletion whose URL it cannot open, and calls that flow no more', async () => {
    const { subscription } = await endpoint('/deleted-unopenable');
    const sealedElsewhere = new SecretBox(Buffer.alloc(32, 9).toString('base64')).seal(receiver.url('/deleted-unopenable'));
    await kafka.publish('subscriptionChanges', [
      { key: subscription.id, value: { change: 'deleted', subscription: { ...subscription, status: 'deleted', version: 2, sealedCallbackUrl: sealedElsewhere } } },
    ]);
    await kafka.waitForGroup(kafka.groupId('tripline-dispatcher', 'endpoints'), 'subscriptionChanges');

    expect((await kafka.readValues('deadLetters')).filter((l) => l.key === subscription.id)).toEqual([]);
    const [outcome] = await dispatch(request(subscription));
    expect(outcome).toMatchObject({ result: 'cancelled', attempts: 0 });
    expect(receiver.at('/deleted-unopenable')).toEqual([]);
  });

  it('dead-letters a subscription change whose URL it cannot open, naming why, and applies the rest', async () => {
    const foreign = subscriptionFixture(tenant, receiver.url('/foreign')).subscription;
    foreign.sealedCallbackUrl = new SecretBox(Buffer.alloc(32, 9).toString('base64')).seal(receiver.url('/foreign'));
    const fine = subscriptionFixture(tenant, receiver.url('/fine-next')).subscription;
    await kafka.publish('subscriptionChanges', [foreign, fine].map((subscription) => ({ key: subscription.id, value: { change: 'created', subscription } })));
    await kafka.waitForGroup(kafka.groupId('tripline-dispatcher', 'endpoints'), 'subscriptionChanges');

    const letters = (await kafka.readValues('deadLetters')).filter((l) => l.key === foreign.id);
    expect(letters).toEqual([expect.objectContaining({ reason: expect.stringContaining('sealedCallbackUrl: cannot be opened') })]);
    expect(await query('SELECT 1 FROM dispatch_endpoints WHERE subscription_id = $1', [foreign.id])).toEqual([]);
    expect(await query('SELECT 1 FROM dispatch_endpoints WHERE subscription_id = $1', [fine.id])).toHaveLength(1);
  });

  it('refuses to start with a TRIPLINE_SECRETS_KEY that opens none of the callback URLs it holds, rather than failing every delivery', async () => {
    // An endpoint the registry sealed with the deployment's key...
    const sealed = new SecretBox(TEST_SECRETS_KEY).seal(receiver.url('/held'));
    await query("INSERT INTO dispatch_endpoints (subscription_id, tenant_id, sealed_callback_url, status, secrets, version) VALUES ($1, $2, $3, 'active', '[]', 1)", [
      randomUUID(),
      randomUUID(),
      sealed,
    ]);
    // ...and a dispatcher started with another.
    const otherKey = Buffer.alloc(32, 42).toString('base64');
    const started = startInProcess('dispatcher', namespace, loadDispatcherEnv, dispatcherModule, { TRIPLINE_SECRETS_KEY: otherKey });
    await expect(started).rejects.toThrow(/TRIPLINE_SECRETS_KEY opens none of the stored callback URLs/);
    await started.then((s) => s.close()).catch(() => undefined);
  });
});
