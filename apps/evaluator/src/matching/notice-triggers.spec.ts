import { operationsWebhookId, SubscriptionDisabledPayload, type SubscriptionDisabled, type TriggerName } from '@tripline/contracts';
import { disabledNotice } from '@tripline/testing';
import { randomUUID } from 'node:crypto';
import type { MatchableSubscription } from '../subscriptions/trigger-subscription-index';
import { noticeMatchKey, noticePayload } from './notice-triggers';

const tenantId = randomUUID();

const notice = (overrides: Partial<SubscriptionDisabled> = {}) => disabledNotice(tenantId, overrides);

const watcher = (params: Record<string, unknown> = {}, tenant = tenantId): MatchableSubscription => ({
  id: randomUUID(),
  tenantId: tenant,
  trigger: 'subscription-disabled',
  entityId: (params['trigger'] as string | undefined) ?? null,
  params,
});
const operationsWebhook: MatchableSubscription = { ...watcher(), id: operationsWebhookId(tenantId) };

describe('the subscription-disabled trigger', () => {
  it("fires a watcher with the notice's facts, under the notice's id, in the trigger's payload contract", () => {
    const n = notice({ reason: 'failing', lastStatusCode: 503, failingSince: '2026-11-26T10:00:00.000Z' });
    const w = watcher();
    const payload = noticePayload(n, w);
    expect(SubscriptionDisabledPayload.parse(payload)).toEqual({
      eventId: n.noticeId,
      tenantId,
      subscriptionId: w.id,
      occurredAt: n.disabledAt,
      trigger: 'subscription-disabled',
      disabledSubscriptionId: n.subscriptionId,
      disabledTrigger: 'data-source-refresh-failed',
      operationsWebhook: false,
      callbackUrl: n.callbackUrl,
      reason: 'failing',
      reasonText: n.reasonText,
      lastStatusCode: 503,
      lastError: null,
      failingSince: '2026-11-26T10:00:00.000Z',
    });
  });

  it('looks up the watchers of that trigger and those of every trigger, of that tenant', () => {
    expect(noticeMatchKey(notice({ trigger: 'unification-completed' }))).toEqual({ tenantId, trigger: 'subscription-disabled', entityId: 'unification-completed' });
  });

  it('fires a watcher narrowed to another trigger, or of another tenant, never', () => {
    expect(noticePayload(notice(), watcher({ trigger: 'unification-completed' }))).toBeNull();
    expect(noticePayload(notice(), watcher({ trigger: 'data-source-refresh-failed' }))).not.toBeNull();
    expect(noticePayload(notice(), watcher({}, randomUUID()))).toBeNull();
  });

  it('tells a flow disabled to the operations webhook and to every watcher', () => {
    const n = notice({ trigger: 'segment-threshold-crossed' });
    expect(noticePayload(n, operationsWebhook)).not.toBeNull();
    expect(noticePayload(n, watcher())).not.toBeNull();
  });

  it("tells a watcher disabled to the operations webhook only, and the operations webhook's to the watchers only: they never tell their own kind", () => {
    const watcherGone = notice({ trigger: 'subscription-disabled' as TriggerName });
    expect(noticePayload(watcherGone, operationsWebhook)).not.toBeNull();
    expect(noticePayload(watcherGone, watcher())).toBeNull();
    expect(noticePayload(watcherGone, watcher({ trigger: 'subscription-disabled' }))).toBeNull();

    const webhookGone = notice({ trigger: 'subscription-disabled', subscriptionId: operationsWebhookId(tenantId), operationsWebhook: true });
    expect(noticePayload(webhookGone, watcher())).not.toBeNull();
    expect(noticePayload(webhookGone, operationsWebhook)).toBeNull();
  });

  it('never tells a subscription of its own disabling', () => {
    const w = watcher();
    expect(noticePayload(notice({ subscriptionId: w.id }), w)).toBeNull();
  });

  it('ends every chain: watchers and the operations webhook all gone, disabled one at a time, never tell their own kind', () => {
    // A flow dies and every watcher and the operations webhook are told; each one told answers
    // 410 and is disabled at once, so its own notice is matched while the others are still
    // active (depth first: the order a busy registry may well take).
    const watchers = Array.from({ length: 20 }, () => watcher());
    const active = new Set([...watchers, operationsWebhook]);
    const told: Array<{ about: string | null; to: string }> = [];
    const tell = (about: (typeof watchers)[number] | null, n: ReturnType<typeof notice>) => {
      for (const s of [...active]) {
        if (!active.has(s) || noticePayload(n, s) === null) continue;
        told.push({ about: about?.id ?? null, to: s.id });
        active.delete(s);
        tell(s, notice({ trigger: 'subscription-disabled', subscriptionId: s.id, operationsWebhook: s.id === operationsWebhook.id }));
      }
    };
    tell(null, notice());

    const isWatcher = (id: string | null) => watchers.some((w) => w.id === id);
    expect(told.filter(({ about, to }) => isWatcher(about) && isWatcher(to))).toEqual([]);
    expect(told.filter(({ about }) => about === operationsWebhook.id).every(({ to }) => isWatcher(to))).toBe(true);
    // Each of the 21 is told once, and none is left active: the chain ended.
    expect(told).toHaveLength(watchers.length + 1);
    expect(active.size).toBe(0);
  });
});
