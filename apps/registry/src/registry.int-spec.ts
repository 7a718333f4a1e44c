import type { RegistryOutcome, RegistryQuestion, RegistryRequest } from '@tripline/contracts';
import { isolatedNamespace, startInProcess, TestKafka, type RunningService } from '@tripline/testing';
import { randomUUID } from 'node:crypto';
import { loadRegistryEnv } from './registry.env';
import { registryModule } from './registry.module';


describe('registry, against the real Kafka and Postgres', () => {
  const namespace = isolatedNamespace('registry');
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const callbackUrl = 'https://flows.example.test/hooks/1';
  let service: RunningService;
  let kafka: TestKafka;

  /** Sends one request the way the gateway does and returns the registry's answer. */
  async function ask(question: RegistryQuestion): Promise<RegistryOutcome> {
    const requestId = randomUUID();
    await kafka.publish('registryRequests', [{ key: question.tenantId, value: { ...question, requestId, replyTo: 'registry-test' } as RegistryRequest }]);
    await kafka.waitForGroup(kafka.groupId('tripline-registry', 'requests'), 'registryRequests');
    const reply = (await kafka.readValues('registryReplies')).find((r) => r.requestId === requestId);
    if (!reply) throw new Error(`no reply to ${requestId}`);
    return reply.outcome;
  }

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
    const first = await ask({ kind: 'subscribe', tenantId: tenantA, trigger: 'data-source-refresh-failed', callbackUrl, params: { dataSourceId: 'ds-1' } });
    const again = await ask({ kind: 'subscribe', tenantId: tenantA, trigger: 'data-source-refresh-failed', callbackUrl, params: { dataSourceId: 'ds-1' } });
    const other = await ask({ kind: 'subscribe', tenantId: tenantA, trigger: 'data-source-refresh-failed', callbackUrl, params: {} });
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
    const mine = await ask({ kind: 'subscribe', tenantId: tenantA, trigger: 'data-source-refresh-succeeded', callbackUrl, params: {} });
    const id = mine.kind === 'subscribed' ? mine.subscription.id : '';
    expect(await ask({ kind: 'get', tenantId: tenantB, subscriptionId: id })).toEqual({ kind: 'found', subscription: null });
    expect(await ask({ kind: 'unsubscribe', tenantId: tenantB, subscriptionId: id })).toEqual({ kind: 'unsubscribed', found: false });
    expect(await ask({ kind: 'list', tenantId: tenantB, limit: 100 })).toEqual({ kind: 'listed', subscriptions: [], nextAfter: null });
    expect(await ask({ kind: 'get', tenantId: tenantA, subscriptionId: id })).toMatchObject({ kind: 'found', subscription: { id, status: 'active' } });
  });

  it('lists a tenant\'s subscriptions in pages', async () => {
    const tenant = randomUUID();
    for (const n of [1, 2, 3]) {
      await ask({ kind: 'subscribe', tenantId: tenant, trigger: 'data-source-refresh-failed', callbackUrl: `${callbackUrl}/${n}`, params: {} });
    }
    const page1 = await ask({ kind: 'list', tenantId: tenant, limit: 2 });
    expect(page1.kind === 'listed' && page1.subscriptions).toHaveLength(2);
    const page2 = await ask({ kind: 'list', tenantId: tenant, limit: 2, after: page1.kind === 'listed' ? page1.nextAfter ?? undefined : undefined });
    expect(page2).toMatchObject({ kind: 'listed', nextAfter: null });
    expect(page2.kind === 'listed' && page2.subscriptions).toHaveLength(1);
  });

  it('unsubscribes, publishes the deletion, and re-subscribing reactivates with a newer version', async () => {
    const made = await ask({ kind: 'subscribe', tenantId: tenantB, trigger: 'data-source-refresh-failed', callbackUrl, params: {} });
    const id = made.kind === 'subscribed' ? made.subscription.id : '';
    expect(await ask({ kind: 'unsubscribe', tenantId: tenantB, subscriptionId: id })).toEqual({ kind: 'unsubscribed', found: true });
    expect(await ask({ kind: 'unsubscribe', tenantId: tenantB, subscriptionId: id })).toEqual({ kind: 'unsubscribed', found: false });
    expect(await ask({ kind: 'get', tenantId: tenantB, subscriptionId: id })).toEqual({ kind: 'found', subscription: null });

    const back = await ask({ kind: 'subscribe', tenantId: tenantB, trigger: 'data-source-refresh-failed', callbackUrl, params: {} });
    expect(back).toMatchObject({ kind: 'subscribed', created: true, subscription: { id, status: 'active', version: 3 } });
    const changes = await changesOf(id);
    expect(changes.map((c) => [c.change, c.subscription.version])).toEqual([
      ['created', 1],
      ['deleted', 2],
      ['reactivated', 3],
    ]);
  });

  it('refuses parameters the trigger does not take', async () => {
    const outcome = await ask({ kind: 'subscribe', tenantId: tenantA, trigger: 'data-source-refresh-failed', callbackUrl, params: { segmentId: 'x' } });
    expect(outcome).toMatchObject({ kind: 'failed', code: 'invalid_request' });
  });

  it('disables a subscription whose callback answered 410, with the reason, and publishes it', async () => {
    const made = await ask({ kind: 'subscribe', tenantId: tenantA, trigger: 'data-source-refresh-failed', callbackUrl: `${callbackUrl}/gone`, params: {} });
    const id = made.kind === 'subscribed' ? made.subscription.id : '';
    await kafka.publish('deliveryOutcomes', [
      {
        key: id,
        value: {
          deliveryId: randomUUID(),
          tenantId: tenantA,
          subscriptionId: id,
          result: 'gone',
          attempts: 1,
          lastStatusCode: 410,
          lastError: null,
          completedAt: new Date().toISOString(),
        },
      },
    ]);
    await kafka.waitForGroup(kafka.groupId('tripline-registry', 'outcomes'), 'deliveryOutcomes');
    expect(await ask({ kind: 'get', tenantId: tenantA, subscriptionId: id })).toMatchObject({
      subscription: { status: 'disabled', disabledReason: 'callback answered 410: the flow no longer exists' },
    });
    expect((await changesOf(id)).map((c) => c.change)).toContain('disabled');
  });
});
