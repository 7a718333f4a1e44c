import { operationsWebhookId, type SubscriptionDisabled, type SubscriptionDisabledPayload } from '@tripline/contracts';
import type { MatchableSubscription, MatchKey } from '../subscriptions/trigger-subscription-index';

/** The subscriptions a notice can fire: the tenant's subscription-disabled ones, for that trigger or for any. */
export function noticeMatchKey(notice: SubscriptionDisabled): MatchKey {
  return { tenantId: notice.tenantId, trigger: 'subscription-disabled', entityId: notice.trigger };
}

/**
 * The callback body a notice gives one subscription, or null when it must not fire it.
 *
 * No loop and no storm: a notice about a subscription-disabled subscription never fires one of
 * its own kind. A watcher flow's notice goes to the operations webhook only; the operations
 * webhook's notice to the watcher flows only. Without this, watchers whose flows were all
 * deleted would tell each other, each disabling fanned out to all the rest; with it, a
 * disabling fires at most the tenant's watchers once, and each subscription is disabled at most
 * once until someone enables it again, so every chain ends within two steps.
 */
export function noticePayload(notice: SubscriptionDisabled, subscription: MatchableSubscription): SubscriptionDisabledPayload | null {
  if (subscription.tenantId !== notice.tenantId || subscription.id === notice.subscriptionId) return null;
  const filter = subscription.params['trigger'];
  if (filter !== undefined && filter !== notice.trigger) return null;
  if (notice.trigger === 'subscription-disabled') {
    const isOperationsWebhook = subscription.id === operationsWebhookId(subscription.tenantId);
    if (isOperationsWebhook === notice.operationsWebhook) return null;
  }
  return {
    eventId: notice.noticeId,
    tenantId: notice.tenantId,
    subscriptionId: subscription.id,
    occurredAt: notice.disabledAt,
    trigger: 'subscription-disabled',
    disabledSubscriptionId: notice.subscriptionId,
    disabledTrigger: notice.trigger,
    operationsWebhook: notice.operationsWebhook,
    callbackUrl: notice.callbackUrl,
    reason: notice.reason,
    reasonText: notice.reasonText,
    lastStatusCode: notice.lastStatusCode,
    lastError: notice.lastError,
    failingSince: notice.failingSince,
  };
}
