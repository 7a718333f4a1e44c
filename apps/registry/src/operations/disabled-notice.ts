import {
  operationsWebhookId,
  subscriptionDisabledNoticeId,
  type DeliveryOutcome,
  type DisabledReason,
  type Subscription,
  type SubscriptionDisabled,
} from '@tripline/contracts';

/** What the registry disables a subscription for, from a delivery outcome; null: nothing to disable. */
export interface Disabling {
  reason: DisabledReason;
  /** The sentence the subscription's disabledReason shows. */
  reasonText: string;
}

/**
 * Reads an outcome: 404/410 means the flow is gone; an endpoint the dispatcher gave up on is
 * failing, or failed its handshake when the subscription was still waiting for one.
 */
export function disablingOf(outcome: DeliveryOutcome, status: Subscription['status']): Disabling | null {
  if (outcome.result === 'gone') return { reason: 'gone', reasonText: `callback answered ${outcome.lastStatusCode ?? 'gone'}: the flow no longer exists` };
  if (!outcome.endpointDisabledReason) return null;
  return { reason: status === 'pending_validation' ? 'handshake-failed' : 'failing', reasonText: outcome.endpointDisabledReason };
}

/**
 * The notice of a disabling, as published on the operations topic and kept with the subscription.
 * `disabled` is the subscription as the disabling left it: its version names the disabling.
 * Texts the dispatcher wrote (its errors) are cut and cleaned to what the contract stores, so a
 * notice can never be refused after the subscription was disabled.
 */
export function subscriptionDisabledNotice(disabled: Subscription, disabling: Disabling, outcome: DeliveryOutcome): SubscriptionDisabled {
  return {
    kind: 'subscription.disabled',
    noticeId: subscriptionDisabledNoticeId(disabled.tenantId, disabled.id, disabled.version),
    tenantId: disabled.tenantId,
    subscriptionId: disabled.id,
    trigger: disabled.trigger,
    operationsWebhook: disabled.id === operationsWebhookId(disabled.tenantId),
    callbackUrl: disabled.redactedCallbackUrl,
    reason: disabling.reason,
    reasonText: storableText(disabling.reasonText),
    lastStatusCode: outcome.lastStatusCode,
    lastError: outcome.lastError === null ? null : storableText(outcome.lastError),
    failingSince: disabling.reason === 'failing' ? outcome.endpointFailingSince : null,
    deliveryId: outcome.deliveryId,
    disabledAt: disabled.updatedAt,
  };
}

const MAX_TEXT = 4_000;

/** Free text as the contracts store it: no NUL or other control characters but tab and line breaks, no lone surrogates, bounded. */
export function storableText(text: string): string {
  const cleaned = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ').toWellFormed();
  return cleaned.length <= MAX_TEXT ? cleaned : `${cleaned.slice(0, MAX_TEXT - 1).toWellFormed()}…`;
}
