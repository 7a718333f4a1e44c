import { v5 as uuidv5 } from 'uuid';
import { z } from 'zod';
import { freeText, IsoDateTime, TenantId } from '../common';
import { RedactedCallbackUrl } from '../subscriptions/subscription';
import { TriggerName } from '../subscriptions/triggers';

/**
 * Why a subscription stopped receiving: `gone`, its callback answered 404 or 410 (the flow was
 * deleted); `failing`, its endpoint failed without a success for DISPATCH_DISABLE_AFTER;
 * `handshake-failed`, it never answered the validation handshake.
 */
export const DisabledReason = z.enum(['gone', 'failing', 'handshake-failed']);
export type DisabledReason = z.infer<typeof DisabledReason>;

/**
 * The registry disabled a subscription: the operational event tenants are told about (their
 * operations webhook, their subscription-disabled flows). `noticeId` is derived from the
 * disabling (subscription, version), so every copy of one notice carries the same id.
 */
export const SubscriptionDisabled = z.object({
  kind: z.literal('subscription.disabled'),
  noticeId: z.uuid(),
  tenantId: TenantId,
  subscriptionId: z.uuid(),
  trigger: TriggerName,
  /** Whether the subscription disabled is the tenant's operations webhook. */
  operationsWebhook: z.boolean(),
  /** Redacted: the plain URL starts the flow. */
  callbackUrl: RedactedCallbackUrl,
  reason: DisabledReason,
  /** The registry's sentence for it, as the subscription's disabledReason shows it. */
  reasonText: freeText(4_000),
  lastStatusCode: z.number().int().nullable(),
  lastError: freeText(4_000).nullable(),
  /** When the endpoint's failures began (reason `failing`); null otherwise or when unknown. */
  failingSince: IsoDateTime.nullable(),
  /** The delivery whose outcome disabled it. */
  deliveryId: z.uuid(),
  disabledAt: IsoDateTime,
});
export type SubscriptionDisabled = z.infer<typeof SubscriptionDisabled>;

/** The operations topic: what happened to a tenant's setup that someone should hear of. */
export const OperationalEvent = z.discriminatedUnion('kind', [SubscriptionDisabled]);
export type OperationalEvent = z.infer<typeof OperationalEvent>;
export const OPERATIONAL_EVENT_KINDS = ['subscription.disabled'] as const satisfies ReadonlyArray<OperationalEvent['kind']>;
export type OperationalEventKind = (typeof OPERATIONAL_EVENT_KINDS)[number];

const NOTICE_NAMESPACE = '0c3f1a52-7d4e-4b8a-9e61-5f2b8d7c3a14';
const OPERATIONS_WEBHOOK_NAMESPACE = 'd2b7e0c4-5a19-4f63-8c2e-1b9a7f4e6d30';

/** One disabling, one id: the version it was disabled at tells disablings of one subscription apart. */
export function subscriptionDisabledNoticeId(tenantId: string, subscriptionId: string, version: number): string {
  return uuidv5(JSON.stringify([tenantId, subscriptionId, version]), NOTICE_NAMESPACE);
}

/**
 * A tenant's operations webhook is its subscription of trigger subscription-disabled with this
 * id: one per tenant whatever its URL, so setting it again replaces it, and every service can
 * tell it apart from the tenant's subscription-disabled flows without a flag of its own.
 */
export function operationsWebhookId(tenantId: string): string {
  return uuidv5(tenantId, OPERATIONS_WEBHOOK_NAMESPACE);
}
