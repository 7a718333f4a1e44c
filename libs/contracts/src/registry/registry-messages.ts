import { z } from 'zod';
import { TenantId } from '../common';
import { SealedCallbackUrl, Subscription, SubscriptionStatus, TriggerParamValues } from '../subscriptions/subscription';
import { TriggerName } from '../subscriptions/triggers';

/**
 * The gateway asks the registry (which alone owns subscriptions) over Kafka and waits for the
 * reply: `replyTo` names the asking gateway instance, `requestId` the question.
 */
const addressing = { requestId: z.uuid(), replyTo: z.string().min(1).max(200), tenantId: TenantId };

/**
 * Where a list page ended. The disabled subscriptions come first (they need someone), then the
 * others, each part in id order: `disabled` says in which part the page ended.
 */
export const ListPosition = z.object({ disabled: z.boolean(), id: z.uuid() });
export type ListPosition = z.infer<typeof ListPosition>;

export const RegistryRequest = z.discriminatedUnion('kind', [
  z.object({
    ...addressing,
    kind: z.literal('subscribe'),
    trigger: TriggerName,
    /** Sealed by the gateway: requests stay on Kafka for the topic's retention. */
    sealedCallbackUrl: SealedCallbackUrl,
    params: TriggerParamValues,
    handshake: z.boolean().default(false),
  }),
  z.object({ ...addressing, kind: z.literal('unsubscribe'), subscriptionId: z.uuid() }),
  /** The tenant's operations webhook (a subscription-disabled subscription of a derived id) at this URL. */
  z.object({ ...addressing, kind: z.literal('set-operations-webhook'), sealedCallbackUrl: SealedCallbackUrl }),
  z.object({ ...addressing, kind: z.literal('rotate-secret'), subscriptionId: z.uuid() }),
  z.object({ ...addressing, kind: z.literal('enable'), subscriptionId: z.uuid() }),
  z.object({ ...addressing, kind: z.literal('get'), subscriptionId: z.uuid() }),
  z.object({
    ...addressing,
    kind: z.literal('list'),
    limit: z.number().int().min(1).max(500),
    after: ListPosition.optional(),
    /** Only subscriptions in this state (never the deleted ones, which no list shows). */
    status: SubscriptionStatus.exclude(['deleted']).optional(),
    trigger: TriggerName.optional(),
  }),
]);
export type RegistryRequest = z.infer<typeof RegistryRequest>;
/** A question to the registry as an asker writes it: without the addressing the client adds. */
export type RegistryQuestion = z.input<typeof RegistryRequest> extends infer R ? (R extends unknown ? Omit<R, 'requestId' | 'replyTo'> : never) : never;
export type RegistryRequestKind = RegistryRequest['kind'];

/** limit_reached: the tenant has as many subscriptions as REGISTRY_MAX_SUBSCRIPTIONS_PER_TENANT allows. */
export const RegistryErrorCode = z.enum(['invalid_request', 'limit_reached']);

export const RegistryOutcome = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('subscribed'), subscription: Subscription, created: z.boolean() }),
  z.object({ kind: z.literal('unsubscribed'), found: z.boolean() }),
  z.object({ kind: z.literal('found'), subscription: Subscription.nullable() }),
  z.object({ kind: z.literal('changed'), subscription: Subscription.nullable() }),
  z.object({ kind: z.literal('listed'), subscriptions: z.array(Subscription), nextAfter: ListPosition.nullable() }),
  z.object({ kind: z.literal('failed'), code: RegistryErrorCode, message: z.string() }),
]);
export type RegistryOutcome = z.infer<typeof RegistryOutcome>;

export const RegistryReply = z.object({
  requestId: z.uuid(),
  replyTo: z.string().min(1),
  outcome: RegistryOutcome,
});
export type RegistryReply = z.infer<typeof RegistryReply>;
