import { operationsWebhookId, type DeliveryOutcome, type ListPosition, type RegistryOutcome, type RegistryQuestion, type RegistryRequest, type Subscription, type TriggerName } from '@tripline/contracts';
import { SecretBox } from '@tripline/secrets';
import { goneOutcome, isolatedNamespace, query, startInProcess, TEST_SECRETS_KEY, TestKafka, type RunningService } from '@tripline/testing';
import { randomUUID } from 'node:crypto';
import { disablingOf, subscriptionDisabledNotice } from './operations/disabled-notice';
import { loadRegistryEnv } from './registry.env';
import { registryModule } from './registry.module';
import { SubscriptionStore } from './subscriptions/subscription-store';


describe('registry, against the real Kafka and Postgres', () => {
  const namespace = isolatedNamespace('registry');
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const callbackUrl = 'https://flows.example.test/hooks/1';
  const box = new SecretBox(TEST_SECRETS_KEY);
  let service: RunningService;
  let kafka: TestKafka;

  /** Sends requests the way the gateway does (one publish) and returns the registry's answers, in order. */
  async function askAll(questions: RegistryQuestion[]): Promise<RegistryOutcome[]> {
    const requests = questions.map((q) => ({ ...q, requestId: randomUUID(), replyTo: 'registry-test' }) as RegistryRequest);
    await kafka.publish('registryRequests', requests.map((value) => ({ key: value.tenantId, value })));
    await kafka.waitForGroup(kafka.groupId('tripline-registry', 'requests'), 'registryRequests');
    const replies = new Map((await kafka.readValues('registryReplies')).map((r) => [r.requestId, r.outcome]));
    return requests.map(({ requestId }) => {
      const outcome = replies.get(requestId);
      if (!outcome) throw new Error(`no reply to ${requestId}`);
      return outcome;
    });
  }
  const ask = async (question: RegistryQuestion) => (await askAll([question]))[0];
  /** A subscribe request as the gateway sends it: the callback URL sealed. */
  const subscribeTo = (tenantId: string, trigger: TriggerName, url: string, params: Record<string, string | number | boolean> = {}): RegistryQuestion => ({
    kind: 'subscribe',
    tenantId,
    trigger,
    sealedCallbackUrl: box.seal(url),
    params,
  });
  const subscriptionOf = (outcome: RegistryOutcome): Subscription => {
    if (outcome.kind !== 'subscribed' && outcome.kind !== 'changed' && outcome.kind !== 'found') throw new Error(`not a subscription: ${JSON.stringify(outcome)}`);
    if (!outcome.subscription) throw new Error('no subscription');
    return outcome.subscription;
  };
  const plainSecrets = (s: Subscription) => s.secrets.map((x) => box.open(x.ciphertext));

  /** A delivery to the subscription ended: its callback answered `status` (gone). */
  const publishOutcome = async (tenantId: string, subscriptionId: string, status: number, outcome: DeliveryOutcome = goneOutcome(tenantId, subscriptionId, 1)) => {
    await kafka.publish('deliveryOutcomes', [{ key: subscriptionId, value: { ...outcome, lastStatusCode: status } }]);
    return outcome;
  };
  const noticesOf = async (id: string) => (await kafka.readValues('operations')).filter((n) => n.subscriptionId === id);
  const changesOf = async (id: string) => (await kafka.readValues('subscriptionChanges')).filter((c) => c.subscription.id === id);

  beforeAll(async () => {
    service = await startInProcess('registry', namespace, loadRegistryEnv, registryModule);
    kafka = new TestKafka(namespace);
  });
  afterAll(async () => {
    await kafka?.close();
    await service?.close();
  });

  it('subscribes idempotently: the same callback and parameters give the same subscription', async () => {
    const first = await ask(subscribeTo(tenantA, 'data-source-refresh-failed', callbackUrl, { dataSourceId: 'ds-1' }));
    const again = await ask(subscribeTo(tenantA, 'data-source-refresh-failed', callbackUrl, { dataSourceId: 'ds-1' }));
    const other = await ask(subscribeTo(tenantA, 'data-source-refresh-failed', callbackUrl));
    expect(first).toMatchObject({ kind: 'subscribed', created: true, subscription: { tenantId: tenantA, status: 'active', version: 1, params: { dataSourceId: 'ds-1' } } });
    expect(again).toMatchObject({ kind: 'subscribed', created: false });
    const id = first.kind === 'subscribed' ? first.subscription.id : '';
    expect(again.kind === 'subscribed' && again.subscription.id).toBe(id);
    expect(other.kind === 'subscribed' && other.subscription.id).not.toBe(id);

    const changes = await changesOf(id);
    expect(changes.length).toBeGreaterThanOrEqual(1);
    expect(changes.every((c) => c.subscription.version === 1 && c.subscription.status === 'active')).toBe(true);
  });

  it('keeps tenants apart: another tenant can neither see nor delete a subscription', async () => {
    const mine = await ask(subscribeTo(tenantA, 'data-source-refresh-succeeded', callbackUrl));
    const id = mine.kind === 'subscribed' ? mine.subscription.id : '';
    expect(await ask({ kind: 'get', tenantId: tenantB, subscriptionId: id })).toEqual({ kind: 'found', subscription: null });
    expect(await ask({ kind: 'unsubscribe', tenantId: tenantB, subscriptionId: id })).toEqual({ kind: 'unsubscribed', found: false });
    expect(await ask({ kind: 'list', tenantId: tenantB, limit: 100 })).toEqual({ kind: 'listed', subscriptions: [], nextAfter: null });
    expect(await ask({ kind: 'get', tenantId: tenantA, subscriptionId: id })).toMatchObject({ kind: 'found', subscription: { id, status: 'active' } });
  });

  it('answers a run of subscribe calls together, in order, as one at a time would: a repeat, a refused one in between, and the tenant limit', async () => {
    const tenant = randomUUID();
    const limit = 1000; // REGISTRY_MAX_SUBSCRIPTIONS_PER_TENANT's default, which this registry runs with
    const filled = await askAll(Array.from({ length: limit - 2 }, (_, n) => subscribeTo(tenant, 'data-source-refresh-failed', `${callbackUrl}/fill/${n}`)));
    expect(filled.filter((o) => o.kind === 'subscribed' && o.created)).toHaveLength(limit - 2);

    const outcomes = await askAll([
      subscribeTo(tenant, 'data-source-refresh-failed', `${callbackUrl}/run/a`),
      subscribeTo(tenant, 'data-source-refresh-failed', `${callbackUrl}/run/a`), // the same again: the same one
      subscribeTo(tenant, 'segment-threshold-crossed', `${callbackUrl}/run/bad`, { nonsense: true }),
      subscribeTo(tenant, 'data-source-refresh-failed', `${callbackUrl}/run/b`), // the last one the limit allows
      subscribeTo(tenant, 'data-source-refresh-failed', `${callbackUrl}/run/c`), // one too many
      subscribeTo(tenant, 'data-source-refresh-failed', `${callbackUrl}/fill/0`), // one it has: answered all the same
    ]);
    expect(outcomes.map((o) => (o.kind === 'subscribed' ? `subscribed, created ${o.created}` : o.kind === 'failed' ? o.code : o.kind))).toEqual([
      'subscribed, created true',
      'subscribed, created false',
      'invalid_request',
      'subscribed, created true',
      'limit_reached',
      'subscribed, created false',
    ]);
    expect(subscriptionOf(outcomes[1]).id).toBe(subscriptionOf(outcomes[0]).id);
    expect(subscriptionOf(outcomes[5]).id).toBe(subscriptionOf(filled[0]).id);
    const [{ count }] = await query<{ count: string }>('SELECT count(*) FROM subscriptions WHERE tenant_id = $1', [tenant]);
    expect(Number(count)).toBe(limit);
  });

  it('counts toward the limit what is not deleted, as subscriptions are made, deleted, disabled and made again', async () => {
    const tenant = randomUUID();
    const limit = 1000;
    const outcomeOf = (o: RegistryOutcome) => (o.kind === 'subscribed' ? `created ${o.created}` : o.kind === 'failed' ? o.code : o.kind);
    const filled = await askAll(Array.from({ length: limit }, (_, n) => subscribeTo(tenant, 'data-source-refresh-failed', `${callbackUrl}/count/${n}`)));
    const [first, second] = filled.map(subscriptionOf);
    expect(outcomeOf(await ask(subscribeTo(tenant, 'data-source-refresh-failed', `${callbackUrl}/count/extra`)))).toBe('limit_reached');

    // A deleted one frees its place; a disabled one keeps it.
    await ask({ kind: 'unsubscribe', tenantId: tenant, subscriptionId: first.id });
    await publishOutcome(tenant, second.id, 410);
    await kafka.waitForGroup(kafka.groupId('tripline-registry', 'outcomes'), 'deliveryOutcomes');
    expect(await ask({ kind: 'get', tenantId: tenant, subscriptionId: second.id })).toMatchObject({ subscription: { status: 'disabled' } });
    expect(outcomeOf(await ask(subscribeTo(tenant, 'data-source-refresh-failed', `${callbackUrl}/count/extra`)))).toBe('created true');
    // The deleted one made again counts anew: no room left for it.
    expect(outcomeOf(await ask(subscribeTo(tenant, 'data-source-refresh-failed', `${callbackUrl}/count/0`)))).toBe('limit_reached');
    await ask({ kind: 'unsubscribe', tenantId: tenant, subscriptionId: subscriptionOf(filled[2]).id });
    expect(outcomeOf(await ask(subscribeTo(tenant, 'data-source-refresh-failed', `${callbackUrl}/count/0`)))).toBe('created true');

    const [{ live }] = await query<{ live: number }>('SELECT live FROM tenant_subscription_counts WHERE tenant_id = $1', [tenant]);
    const [{ count }] = await query<{ count: string }>("SELECT count(*) FROM subscriptions WHERE tenant_id = $1 AND status <> 'deleted'", [tenant]);
    expect([live, Number(count)]).toEqual([limit, limit]);
  });

  it('lists a tenant\'s subscriptions in pages', async () => {
    const tenant = randomUUID();
    for (const n of [1, 2, 3]) {
      await ask(subscribeTo(tenant, 'data-source-refresh-failed', `${callbackUrl}/${n}`));
    }
    const page1 = await ask({ kind: 'list', tenantId: tenant, limit: 2 });
    expect(page1.kind === 'listed' && page1.subscriptions).toHaveLength(2);
    const page2 = await ask({ kind: 'list', tenantId: tenant, limit: 2, after: page1.kind === 'listed' ? page1.nextAfter ?? undefined : undefined });
    expect(page2).toMatchObject({ kind: 'listed', nextAfter: null });
    expect(page2.kind === 'listed' && page2.subscriptions).toHaveLength(1);
  });

  it('lists the disabled subscriptions first, however many pages the others fill, and narrows by state and trigger', async () => {
    const tenant = randomUUID();
    const made = await askAll(Array.from({ length: 7 }, (_, n) => subscribeTo(tenant, n < 5 ? 'data-source-refresh-failed' : 'unification-completed', `${callbackUrl}/many/${n}`)));
    const ids = made.map((o) => (o.kind === 'subscribed' ? o.subscription.id : ''));
    // Two are disabled, among the last in id order: a page of the others must not come before them.
    const [lastTwo, rest] = [ids.toSorted().slice(-2), ids.toSorted().slice(0, -2)];
    for (const id of lastTwo) {
      const gone = goneOutcome(tenant, id, 1);
      const disabled = await service.app.get(SubscriptionStore).disable(tenant, id, 'callback answered 410', (s) => subscriptionDisabledNotice(s, disablingOf(gone, 'active')!, gone));
      expect(disabled?.changedNow).toBe(true);
    }

    const walk = async (filter: { status?: 'active' | 'disabled'; trigger?: 'unification-completed' } = {}) => {
      const seen: Array<[string, string]> = [];
      let after: ListPosition | undefined;
      do {
        const page = await ask({ kind: 'list', tenantId: tenant, limit: 2, after, ...filter });
        if (page.kind !== 'listed') throw new Error(`not a page: ${JSON.stringify(page)}`);
        seen.push(...page.subscriptions.map((s): [string, string] => [s.id, s.status]));
        after = page.nextAfter ?? undefined;
      } while (after);
      return seen;
    };
    expect(await walk()).toEqual([...lastTwo.map((id) => [id, 'disabled']), ...rest.map((id) => [id, 'active'])]);
    expect(await walk({ status: 'disabled' })).toEqual(lastTwo.map((id) => [id, 'disabled']));
    expect(await walk({ status: 'active' })).toEqual(rest.map((id) => [id, 'active']));
    const unification = ids.slice(5).toSorted();
    expect((await walk({ trigger: 'unification-completed' })).map(([id]) => id).toSorted()).toEqual(unification);
  });

  it('unsubscribes, publishes the deletion, and re-subscribing reactivates with a newer version', async () => {
    const made = await ask(subscribeTo(tenantB, 'data-source-refresh-failed', callbackUrl));
    const id = made.kind === 'subscribed' ? made.subscription.id : '';
    expect(await ask({ kind: 'unsubscribe', tenantId: tenantB, subscriptionId: id })).toEqual({ kind: 'unsubscribed', found: true });
    expect(await ask({ kind: 'unsubscribe', tenantId: tenantB, subscriptionId: id })).toEqual({ kind: 'unsubscribed', found: false });
    expect(await ask({ kind: 'get', tenantId: tenantB, subscriptionId: id })).toEqual({ kind: 'found', subscription: null });

    const back = await ask(subscribeTo(tenantB, 'data-source-refresh-failed', callbackUrl));
    expect(back).toMatchObject({ kind: 'subscribed', created: true, subscription: { id, status: 'active', version: 3 } });
    // Made again, not merely undeleted: whoever held the old secret no longer signs its callbacks.
    expect(plainSecrets(subscriptionOf(back))).toHaveLength(1);
    expect(plainSecrets(subscriptionOf(back))).not.toContain(plainSecrets(subscriptionOf(made))[0]);
    const changes = await changesOf(id);
    // The second delete found it deleted and published that state again, unchanged.
    expect(changes.map((c) => [c.change, c.subscription.version])).toEqual([
      ['created', 1],
      ['deleted', 2],
      ['deleted', 2],
      ['reactivated', 3],
    ]);
  });

  it('publishes the deletion of a redelivered unsubscribe whose first handling wrote the row but never published it', async () => {
    const made = subscriptionOf(await ask(subscribeTo(tenantA, 'data-source-refresh-failed', `${callbackUrl}/redelivered-delete`)));
    // The first handling: the row written as deleted, then its batch failed before the changes were published.
    await service.app.get(SubscriptionStore).unsubscribe(tenantA, made.id);
    expect(await changesOf(made.id)).toHaveLength(1);

    // The redelivery of the same request: the evaluator and the dispatcher must still learn of the deletion.
    expect(await ask({ kind: 'unsubscribe', tenantId: tenantA, subscriptionId: made.id })).toEqual({ kind: 'unsubscribed', found: false });
    const changes = await changesOf(made.id);
    expect(changes.map((c) => [c.change, c.subscription.status, c.subscription.version])).toEqual([
      ['created', 'active', 1],
      ['deleted', 'deleted', 2],
    ]);
  });

  it('publishes the disabling of a redelivered outcome whose first handling wrote the row but never published it, and its notice once more, the same', async () => {
    const made = subscriptionOf(await ask(subscribeTo(tenantA, 'data-source-refresh-failed', `${callbackUrl}/redelivered-gone`)));
    const reason = 'callback answered 410: the flow no longer exists';
    const outcome = goneOutcome(tenantA, made.id, 1);
    const disabling = disablingOf(outcome, 'active')!;
    const first = await service.app.get(SubscriptionStore).disable(tenantA, made.id, reason, (s) => subscriptionDisabledNotice(s, disabling, outcome));
    expect(await changesOf(made.id)).toHaveLength(1);

    await publishOutcome(tenantA, made.id, 410, outcome);
    await kafka.waitForGroup(kafka.groupId('tripline-registry', 'outcomes'), 'deliveryOutcomes');
    const changes = await changesOf(made.id);
    expect(changes.map((c) => [c.change, c.subscription.status, c.subscription.disabledReason, c.subscription.version])).toEqual([
      ['created', 'active', null, 1],
      ['disabled', 'disabled', reason, 2],
    ]);
    // The notice the first handling wrote, published now: the same id, the same content.
    expect(await noticesOf(made.id)).toEqual([first!.notice]);
  });

  it('tells of a disabling once: a notice on the operations topic, with a derived id, for the outcome that disabled it only', async () => {
    const made = subscriptionOf(await ask(subscribeTo(tenantA, 'unification-completed', `${callbackUrl}/told?sig=secret-token`)));
    const outcome = await publishOutcome(tenantA, made.id, 410);
    await publishOutcome(tenantA, made.id, 404); // another delivery to the same dead flow
    await publishOutcome(tenantA, made.id, 410, outcome); // and the first again, redelivered
    await kafka.waitForGroup(kafka.groupId('tripline-registry', 'outcomes'), 'deliveryOutcomes');
    const notices = await noticesOf(made.id);
    expect(new Set(notices.map((n) => n.noticeId)).size).toBe(1);
    expect(notices[0]).toEqual({
      kind: 'subscription.disabled',
      noticeId: expect.any(String),
      tenantId: tenantA,
      subscriptionId: made.id,
      trigger: 'unification-completed',
      operationsWebhook: false,
      callbackUrl: 'https://flows.example.test/hooks/1/told?sig=REDACTED',
      reason: 'gone',
      reasonText: 'callback answered 410: the flow no longer exists',
      lastStatusCode: 410,
      lastError: null,
      failingSince: null,
      deliveryId: outcome.deliveryId,
      disabledAt: expect.any(String),
    });
    const records = (await kafka.readAll('operations')).filter((r) => r.value?.includes(made.id));
    expect(new Set(records.map((r) => r.key))).toEqual(new Set([tenantA]));
  });

  it("keeps one operations webhook per tenant: set again at another URL it moves, keeping its secret; deleted and set again, a new one", async () => {
    const id = operationsWebhookId(tenantB);
    const set = (url: string) => ask({ kind: 'set-operations-webhook', tenantId: tenantB, sealedCallbackUrl: box.seal(url) });
    const made = await set(`${callbackUrl}/ops`);
    expect(made).toMatchObject({ kind: 'subscribed', created: true, subscription: { id, trigger: 'subscription-disabled', status: 'active', params: {} } });
    expect(await set(`${callbackUrl}/ops`)).toMatchObject({ kind: 'subscribed', created: false, subscription: { version: 1 } });
    const moved = subscriptionOf(await set(`${callbackUrl}/ops-moved`));
    expect(moved).toMatchObject({ id, version: 2, redactedCallbackUrl: `${callbackUrl}/ops-moved` });
    expect(plainSecrets(moved)).toEqual(plainSecrets(subscriptionOf(made)));
    expect(box.open(moved.sealedCallbackUrl)).toBe(`${callbackUrl}/ops-moved`);

    await ask({ kind: 'unsubscribe', tenantId: tenantB, subscriptionId: id });
    const again = await set(`${callbackUrl}/ops-moved`);
    expect(again).toMatchObject({ kind: 'subscribed', created: true, subscription: { id, status: 'active', version: 4 } });
    expect(plainSecrets(subscriptionOf(again))).not.toEqual(plainSecrets(moved));
    expect((await changesOf(id)).map((c) => c.change)).toEqual(['created', 'created', 'callback-changed', 'deleted', 'reactivated']);
  });

  it('refuses parameters the trigger does not take', async () => {
    const outcome = await ask(subscribeTo(tenantA, 'data-source-refresh-failed', callbackUrl, { segmentId: 'x' }));
    expect(outcome).toMatchObject({ kind: 'failed', code: 'invalid_request' });
  });

  it('disables a subscription whose callback answered 410, with the reason, and publishes it', async () => {
    const made = await ask(subscribeTo(tenantA, 'data-source-refresh-failed', `${callbackUrl}/gone`));
    const id = made.kind === 'subscribed' ? made.subscription.id : '';
    await publishOutcome(tenantA, id, 410);
    await kafka.waitForGroup(kafka.groupId('tripline-registry', 'outcomes'), 'deliveryOutcomes');
    expect(await ask({ kind: 'get', tenantId: tenantA, subscriptionId: id })).toMatchObject({
      subscription: { status: 'disabled', disabledReason: 'callback answered 410: the flow no longer exists' },
    });
    expect((await changesOf(id)).map((c) => c.change)).toContain('disabled');
  });

  it('keeps the callback URL sealed in its table and on Kafka, and shows it with every query value redacted', async () => {
    const token = `sig-${randomUUID()}`;
    const url = `https://prod-1.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=${token}`;
    const made = subscriptionOf(await ask(subscribeTo(tenantA, 'unification-completed', url)));
    expect(made.redactedCallbackUrl).toBe('https://prod-1.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=REDACTED&sig=REDACTED');
    expect(box.open(made.sealedCallbackUrl)).toBe(url);

    const [row] = await query<{ row: string }>('SELECT row_to_json(s)::text AS row FROM subscriptions s WHERE id = $1', [made.id]);
    expect(row.row).not.toContain(token);
    for (const topic of ['subscriptionChanges', 'registryReplies'] as const) {
      const records = (await kafka.readAll(topic)).filter((r) => r.value?.includes(made.id));
      expect(records.length).toBeGreaterThan(0);
      for (const r of records) expect(r.value).not.toContain(token);
    }
  });

  it('refuses a subscribe whose callback URL was not sealed with its key, without storing anything', async () => {
    const foreign = new SecretBox(Buffer.alloc(32, 9).toString('base64')).seal('https://flows.example.test/foreign');
    const outcome = await ask({ kind: 'subscribe', tenantId: tenantA, trigger: 'data-source-refresh-failed', sealedCallbackUrl: foreign, params: {} });
    expect(outcome).toMatchObject({ kind: 'failed', code: 'invalid_request', message: expect.stringContaining('callbackUrl: cannot be opened') });
  });

  it('keeps the current and the previous signing secret only, however quickly it is rotated', async () => {
    const made = subscriptionOf(await ask(subscribeTo(tenantA, 'data-source-refresh-succeeded', `${callbackUrl}/rotating`)));
    const rotations: Subscription[] = [];
    for (const _ of [1, 2, 3]) rotations.push(subscriptionOf(await ask({ kind: 'rotate-secret', tenantId: tenantA, subscriptionId: made.id })));
    const [, second, third] = rotations.map(plainSecrets);
    expect(third).toHaveLength(2);
    expect(third).toEqual([expect.any(String), second[0]]); // the newest, and the one it replaced
    expect(third).not.toContain(plainSecrets(made)[0]);
    expect(rotations[2].secrets[0].expiresAt).toBeNull();
    expect(Date.parse(rotations[2].secrets[1].expiresAt!)).toBeGreaterThan(Date.now());
  });

  it('cuts a list page that would not fit in one Kafka message, and pages through every subscription', async () => {
    const tenant = randomUUID();
    // About 5 KB each once sealed and redacted: 250 of them are over a megabyte, past the broker's message limit.
    const long = `https://flows.example.test/${'p'.repeat(1_000)}?sig=${'s'.repeat(1_000)}`;
    const made = await askAll(Array.from({ length: 250 }, (_, n) => subscribeTo(tenant, 'data-source-refresh-failed', `${long}&n=${n}`)));
    expect(made.every((o) => o.kind === 'subscribed')).toBe(true);

    const seen = new Set<string>();
    let after: ListPosition | undefined;
    let pages = 0;
    do {
      const page = await ask({ kind: 'list', tenantId: tenant, limit: 500, after });
      if (page.kind !== 'listed') throw new Error(`not a page: ${JSON.stringify(page)}`);
      expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(300 * 1024);
      for (const s of page.subscriptions) seen.add(s.id);
      after = page.nextAfter ?? undefined;
      pages++;
    } while (after);
    expect(pages).toBeGreaterThan(1);
    expect(seen.size).toBe(250);
  });

  it('seals, at boot, a callback URL kept in plaintext before the upgrade, and republishes it a version up', async () => {
    const id = randomUUID();
    const token = `sig-${randomUUID()}`;
    const plain = `https://flows.example.test/legacy?sig=${token}`;
    // As migration 20261130030000 leaves a row of an older version: the plaintext URL moved into sealed_callback_url.
    await query(
      `INSERT INTO subscriptions (id, tenant_id, trigger, sealed_callback_url, redacted_callback_url, params, status, secrets, version)
       VALUES ($1, $2, 'data-source-refresh-failed', $3, '', '{}', 'active', '[]', 4)`,
      [id, tenantA, plain],
    );
    const another = await startInProcess('registry', namespace, loadRegistryEnv, registryModule);
    await another.close();

    const [row] = await query<{ sealed_callback_url: string; redacted_callback_url: string; version: number }>(
      'SELECT sealed_callback_url, redacted_callback_url, version FROM subscriptions WHERE id = $1',
      [id],
    );
    expect(row).toMatchObject({ redacted_callback_url: 'https://flows.example.test/legacy?sig=REDACTED', version: 5 });
    expect(box.open(row.sealed_callback_url)).toBe(plain);
    const changes = await changesOf(id);
    expect(changes.map((c) => [c.change, c.subscription.version])).toEqual([['callback-sealed', 5]]);
    expect(box.open(changes[0].subscription.sealedCallbackUrl)).toBe(plain);
  });
});
