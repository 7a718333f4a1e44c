import { z } from 'zod';
import { ExternalId, IsoDateTime, TenantId } from '../common';
import { TriggerName } from '../subscriptions/triggers';
import { TriggerPayload } from './trigger-payloads';

/**
 * One callback to make: the evaluator's decision that an event fires a subscription. Where to
 * is not in it: the dispatcher posts to its endpoint's URL (from the subscription changes), so
 * the URL, which starts the flow, is not copied onto every delivery.
 * `deliveryId` is derived from (event, subscription), so re-evaluating the same event yields the
 * same id; it is the `webhook-id` receivers de-duplicate on.
 */
export const DeliveryRequest = z.object({
  deliveryId: z.uuid(),
  tenantId: TenantId,
  subscriptionId: z.uuid(),
  trigger: TriggerName,
  eventId: ExternalId,
  payload: TriggerPayload,
  requestedAt: IsoDateTime,
});
export type DeliveryRequest = z.infer<typeof DeliveryRequest>;

export const DeliveryResult = z.enum(['delivered', 'failed', 'gone', 'cancelled', 'validated']);
export type DeliveryResult = z.infer<typeof DeliveryResult>;

/**
 * What became of a delivery, once final. `gone`: the callback said 404/410, the flow is deleted.
 * `cancelled`: the subscription was deleted before it could be delivered. `validated`: the
 * callback answered the validation handshake, so the subscription may go active.
 */
export const DeliveryOutcome = z.object({
  deliveryId: z.uuid(),
  tenantId: TenantId,
  subscriptionId: z.uuid(),
  result: DeliveryResult,
  attempts: z.number().int().min(0),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  /** Set when this failure made the dispatcher disable the endpoint (failing for too long). */
  endpointDisabledReason: z.string().nullable().default(null),
  /** With endpointDisabledReason: when the endpoint's failures began. */
  endpointFailingSince: IsoDateTime.nullable().default(null),
  completedAt: IsoDateTime,
});
export type DeliveryOutcome = z.infer<typeof DeliveryOutcome>;
