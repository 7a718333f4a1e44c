import { z } from 'zod';
import { ExternalId, IsoDateTime, TenantId } from '../common';
import { Subscription } from '../subscriptions/subscription';
import { TriggerName } from '../subscriptions/triggers';

/** The gateway asks the dispatcher, which alone owns deliveries, as it asks the registry. */
const addressing = { requestId: z.uuid(), replyTo: z.string().min(1).max(200), tenantId: TenantId };

export const DeliveryStatus = z.enum(['pending', 'delivered', 'failed', 'gone', 'cancelled']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const DispatcherRequest = z.discriminatedUnion('kind', [
  z.object({
    ...addressing,
    kind: z.literal('deliveries'),
    /** Each filter narrows the tenant's whole log; none: every delivery of the tenant. */
    subscriptionId: z.uuid().optional(),
    status: DeliveryStatus.optional(),
    trigger: TriggerName.optional(),
    /** Made at or after this time... */
    since: IsoDateTime.optional(),
    /** ... and before this one. */
    until: IsoDateTime.optional(),
    limit: z.number().int().min(1).max(500),
    /** Newest first; the page after this (createdAt, id). */
    before: z.tuple([IsoDateTime, z.uuid()]).optional(),
  }),
  z.object({ ...addressing, kind: z.literal('resend'), deliveryId: z.uuid() }),
  /** How each of these subscriptions' callbacks have fared: a page of the console's subscriptions. */
  z.object({ ...addressing, kind: z.literal('summaries'), subscriptionIds: z.array(z.uuid()).min(1).max(500) }),
  z.object({
    ...addressing,
    kind: z.literal('recover'),
    subscriptionId: z.uuid(),
    since: IsoDateTime,
    until: IsoDateTime.optional(),
    /**
     * The subscription as the registry has just written it (re-enabled): the dispatcher applies it
     * before resending, as it would the subscription change still on its way, so the resent
     * deliveries never meet an endpoint it still holds as disabled.
     */
    current: Subscription.optional(),
  }),
]);
export type DispatcherRequest = z.infer<typeof DispatcherRequest>;
export type DispatcherQuestion = z.input<typeof DispatcherRequest> extends infer R ? (R extends unknown ? Omit<R, 'requestId' | 'replyTo'> : never) : never;

export const AttemptView = z.object({
  attemptNumber: z.number().int(),
  startedAt: IsoDateTime,
  statusCode: z.number().int().nullable(),
  durationMs: z.number().int(),
  error: z.string().nullable().describe('Why the attempt failed; control characters are shown as \\uXXXX'),
  responseExcerpt: z
    .string()
    .nullable()
    .describe(
      'The first 1 KiB the callback answered, for reading: valid UTF-8 as it is (tab and line breaks included), other control characters as \\uXXXX, bytes that are not UTF-8 as \\xXX',
    ),
  responseExcerptBase64: z
    .string()
    .nullable()
    .describe('The same bytes exactly, in base64, when responseExcerpt had to escape any; null when responseExcerpt is exactly what was answered'),
});

export const DeliveryView = z.object({
  id: z.uuid().describe('The webhook-id of every attempt'),
  subscriptionId: z.uuid(),
  eventId: ExternalId,
  trigger: z.string(),
  status: DeliveryStatus,
  attemptCount: z.number().int(),
  nextAttemptAt: IsoDateTime.nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: IsoDateTime,
  completedAt: IsoDateTime.nullable(),
  payload: z.record(z.string(), z.unknown()),
  attempts: z.array(AttemptView).describe('The latest attempts, oldest first (at most 20: attemptCount counts them all)'),
});
export type DeliveryView = z.infer<typeof DeliveryView>;

export const DeliverySummary = z.object({
  subscriptionId: z.uuid(),
  lastDeliveryAt: IsoDateTime.nullable().describe('When its latest delivery was made; null: none is in the log'),
  lastStatus: DeliveryStatus.nullable().describe('How its latest delivery stands'),
  delivered24h: z.number().int().describe('Deliveries made in the last 24 hours that the callback accepted'),
  failed24h: z.number().int().describe('Deliveries made in the last 24 hours that failed every attempt, or found the flow gone'),
});
export type DeliverySummary = z.infer<typeof DeliverySummary>;

export const DispatcherOutcome = z.discriminatedUnion('kind', [
  /** A page ends at the request's limit or at about 256 KiB of deliveries, whichever comes first: a reply is one Kafka message. */
  z.object({ kind: z.literal('deliveries'), deliveries: z.array(DeliveryView), next: z.tuple([IsoDateTime, z.uuid()]).nullable() }),
  z.object({ kind: z.literal('resent'), found: z.boolean() }),
  z.object({ kind: z.literal('summaries'), summaries: z.array(DeliverySummary) }),
  z.object({ kind: z.literal('recovered'), count: z.number().int() }),
]);
export type DispatcherOutcome = z.infer<typeof DispatcherOutcome>;

export const DispatcherReply = z.object({ requestId: z.uuid(), replyTo: z.string().min(1), outcome: DispatcherOutcome });
export type DispatcherReply = z.infer<typeof DispatcherReply>;
