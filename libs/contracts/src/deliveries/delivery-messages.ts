import { z } from 'zod';
import { ExternalId, IsoDateTime, TenantId } from '../common';
import { TriggerName } from '../subscriptions/triggers';
import { TriggerPayload } from './trigger-payloads';

/** A Kafka record is at most 1 MB; a callback body is far less (the evaluator bounds a payload's components). */
const MAX_CALLBACK_BODY = 768 * 1024;

/**
 * A callback's JSON body, serialized once, by the evaluator, and sent as it is: the dispatcher
 * signs and posts these bytes and stores them, and never parses them (that, checking the payload
 * again and serializing it for each first attempt took about 2 % of its busy time, moved to the
 * evaluator, which idles half the time). Checked cheaply: a JSON object's bounds.
 */
export const CallbackBody = z
  .string()
  .max(MAX_CALLBACK_BODY)
  .refine((body) => body.startsWith('{') && body.endsWith('}'), 'must be a JSON object')
  .describe('The callback\'s JSON body (one of the TriggerPayload shapes), serialized by the evaluator and sent as it is.');

/** A trigger's payload as its callback body. */
export const callbackBody = (payload: TriggerPayload): string => JSON.stringify(payload);

const request = {
  deliveryId: z.uuid(),
  tenantId: TenantId,
  subscriptionId: z.uuid(),
  trigger: TriggerName,
  eventId: ExternalId,
  requestedAt: IsoDateTime,
};
/** A request as the evaluator writes it. */
const current = z.object({ ...request, body: CallbackBody });
/** A request as one was written before `body`. */
type Earlier = Omit<z.input<typeof current>, 'body'> & { payload: z.input<typeof TriggerPayload> };

/**
 * One callback to make: the evaluator's decision that an event fires a subscription. Where to
 * is not in it: the dispatcher posts to its endpoint's URL (from the subscription changes), so
 * the URL, which starts the flow, is not copied onto every delivery.
 * `deliveryId` is derived from (event, subscription), so re-evaluating the same event yields the
 * same id; it is the `webhook-id` receivers de-duplicate on.
 *
 * A request written before the body was carried serialized has the payload instead (`payload`):
 * still accepted, and serialized on the way in, so the requests on the topic when a deployment
 * is upgraded (or a dead letter replayed from before) are delivered as they were. One object with
 * both optional, not a union, so that what is wrong is named by its field.
 */
export const DeliveryRequest = current
  .extend({
    body: CallbackBody.optional(),
    payload: TriggerPayload.optional().describe('Only in requests written before `body`: the payload, serialized on the way in.'),
  })
  .superRefine((r, context) => {
    if (r.body === undefined && r.payload === undefined) context.addIssue({ code: 'custom', path: ['body'], message: 'Required: the callback body' });
  })
  .transform(({ body, payload, ...rest }) => ({ ...rest, body: body ?? callbackBody(payload!) })) as unknown as z.ZodType<
  z.infer<typeof current>,
  z.input<typeof current> | Earlier
>;
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
