import { EntityKind, EVENT_TYPES, ExternalId, SubscriptionStatus, TriggerName } from '@tripline/contracts';
import { PageQuery } from '@tripline/service';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/**
 * Why a subscription did not fire for an event. Published: the console and clients branch on
 * these, so a code never changes meaning; a new reason gets a new code.
 */
export const REASON_CODES = {
  created_after_event: 'The subscription was made after the event was evaluated.',
  subscription_deleted: 'The subscription was deleted before the event was evaluated.',
  subscription_disabled: 'The subscription was disabled (its callback answered 404/410, failed too long, or never answered the handshake) before the event was evaluated.',
  pending_validation: 'The subscription was waiting for its callback to answer the validation handshake.',
  inactive_at_event: 'The subscription was not active in the evaluator when the event was evaluated (changed since, or made or enabled as it was evaluated).',
  parameter_mismatch: "The event is about another entity than the subscription's (another data source, segment or measure).",
  refresh_retrying: 'The refresh ended "retrying": the platform is trying again, so it has not failed.',
  status_mismatch: 'The refresh ended in a status this trigger does not fire on (a success for the failed trigger, a failure for the succeeded one).',
  partial_refresh: 'The run was a partial refresh; the trigger fires for full refreshes only.',
  not_scheduled_run: 'The run was started by hand, and the subscription fires for scheduled runs only (includeManual false).',
  first_observation: "The first value seen of the segment or measure: the baseline, which fires nothing.",
  below_threshold: 'The new value is not above the threshold (equal is not above).',
  not_rearmed: 'The value was above the threshold already: it fires again only after going back to or below it.',
  stale_observation: 'The observation is older than the last one applied, so it was not applied.',
  duplicate_event: 'The same observation instant, or the same run, was already reported by another event: it fires once.',
} as const;
export type ReasonCode = keyof typeof REASON_CODES;
export const ReasonCode = z
  .enum(Object.keys(REASON_CODES) as [ReasonCode, ...ReasonCode[]])
  .describe(`Why it did not fire:\n\n${Object.entries(REASON_CODES).map(([code, meaning]) => `- \`${code}\`: ${meaning}`).join('\n')}`);

const at = (what: string) => z.string().optional().describe(what);
const number = (what: string) => z.number().optional().describe(what);

/** A reason: its code, a sentence naming the values, and the values themselves (those the code has). */
export const EvaluationReason = z.object({
  code: ReasonCode,
  message: z.string().describe('The reason in a sentence, naming the values; it may change, the code does not'),
  parameter: z.string().optional().describe('parameter_mismatch: the parameter that did not match (dataSourceId, segmentId, measureId)'),
  expected: z.string().optional().describe("parameter_mismatch: the subscription's value"),
  actual: z.string().optional().describe("parameter_mismatch: the event's"),
  status: z.string().optional().describe('refresh_retrying, status_mismatch: how the refresh ended'),
  statuses: z.array(z.string()).optional().describe('status_mismatch: the statuses the trigger fires on'),
  runId: z.string().optional().describe('partial_refresh, not_scheduled_run, duplicate_event (a run): the run'),
  runTrigger: z.string().optional().describe('not_scheduled_run: how the run was started (manual)'),
  includeManual: z.boolean().optional().describe("not_scheduled_run: the subscription's includeManual"),
  previous: z.number().nullable().optional().describe('below_threshold, not_rearmed, stale_observation, duplicate_event: the value the new one was compared with (the last applied, for stale and duplicate ones)'),
  previousAt: at('stale_observation, duplicate_event: when the last applied value was observed'),
  value: number("below_threshold, not_rearmed, first_observation, stale_observation, duplicate_event: the event's value"),
  threshold: number("below_threshold, not_rearmed: the subscription's threshold"),
  occurredAt: at('stale_observation, duplicate_event: when the event says it was observed'),
  firstEventId: z.string().optional().describe('duplicate_event (a run): the event that reported the run first, and fired'),
  firstEvaluatedAt: at('duplicate_event (a run): when that event was evaluated'),
  evaluatedAt: at('created_after_event, subscription_deleted, subscription_disabled, inactive_at_event: when this event was evaluated'),
  createdAt: at('created_after_event: when the subscription was made'),
  deletedAt: at('subscription_deleted: when it was deleted'),
  disabledAt: at('subscription_disabled: when it was disabled'),
  disabledReason: z.string().nullable().optional().describe('subscription_disabled: why'),
  since: at('pending_validation: since when it has been waiting'),
  subscriptionStatus: SubscriptionStatus.optional().describe('inactive_at_event: its status now'),
  changedAt: at('inactive_at_event: its last change'),
});
export type EvaluationReason = z.infer<typeof EvaluationReason>;

export const SubscriptionVerdict = z.object({
  subscriptionId: z.uuid(),
  trigger: TriggerName,
  status: SubscriptionStatus.describe('Its status now'),
  fired: z.boolean().describe('Whether this event made a delivery to it'),
  deliveryId: z
    .uuid()
    .nullable()
    .describe('The delivery (its webhook-id; GET /v1/subscriptions/{id}/deliveries lists it with its attempts): the one it fired, or for duplicate_event the one the first report fired; null otherwise'),
  reason: EvaluationReason.nullable().describe('Why it did not fire; null when it fired'),
});
export type SubscriptionVerdict = z.infer<typeof SubscriptionVerdict>;

const Entity = z.object({ kind: EntityKind, id: z.string() }).describe('What the event is about: a data source, a segment, a measure, or a run (refresh, unification) by its run id');
const EventType = z.enum(EVENT_TYPES);

export const ObservationView = z
  .object({
    outcome: z
      .enum(['first', 'applied', 'replayed', 'stale', 'same-instant'])
      .describe('first: the baseline; applied; replayed: its event was applied before (a redelivery), its transition is the one it made then; stale: older than the last applied; same-instant: as old as it'),
    previous: z.number().nullable().describe('The value it was compared with (the last applied, for stale and same-instant); null for a first'),
    previousAt: z.string().nullable().describe('When that value was observed, when known'),
    value: z.number().describe("The event's value"),
    stale: z.boolean().describe('Older than the last applied: not applied, fires nothing'),
    duplicate: z.boolean().describe('Another event observed the same instant (same-instant), or this event was applied before (replayed)'),
  })
  .describe('Segments and measures: what the observation did; null for other events');

export const EventEvaluationAnswer = z.object({
  eventId: z.string(),
  type: EventType,
  occurredAt: z.string().describe('When it happened, in UTC'),
  evaluatedAt: z.string().describe('When the evaluator matched it (its first evaluation, when it was evaluated again)'),
  entity: Entity,
  trigger: TriggerName.nullable().describe('The trigger it was matched for; null: none can fire (a refresh still retrying, a partial refresh)'),
  status: z.string().nullable().describe("The refresh's or run's status"),
  runTrigger: z.enum(['scheduled', 'manual']).nullable().describe('Refreshes: how the run was started'),
  scope: z.enum(['full', 'partial']).nullable().describe('Refreshes: full or partial'),
  observation: ObservationView.nullable(),
  subscriptions: z
    .array(SubscriptionVerdict)
    .describe(
      "The tenant's subscriptions to the triggers of this event type: those it fired first, then the others (deleted ones only when deleted in the 30 days before the event, or after it)",
    ),
  subscriptionsTruncated: z.boolean().describe('More subscriptions than one answer lists (1000)'),
});
export type EventEvaluationAnswer = z.infer<typeof EventEvaluationAnswer>;

export const EvaluatedEventsQuery = z.object({
  ...PageQuery,
  entityId: ExternalId.optional().describe('Only events about this entity: a data source, segment or measure id, or a run id'),
  type: EventType.optional().describe('Only events of this type'),
});
export type EvaluatedEventsQuery = z.infer<typeof EvaluatedEventsQuery>;

export const EvaluatedEvent = z.object({
  eventId: z.string(),
  type: EventType,
  occurredAt: z.string(),
  evaluatedAt: z.string(),
  entity: Entity,
  trigger: TriggerName.nullable(),
  fired: z.number().int().min(0).describe('How many subscriptions it fired'),
});
export type EvaluatedEvent = z.infer<typeof EvaluatedEvent>;

export const EvaluatedEventsPage = z.object({
  events: z.array(EvaluatedEvent).describe('Newest evaluation first'),
  nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last'),
});

export class EventEvaluationDto extends createZodDto(EventEvaluationAnswer) {}
export class EvaluatedEventsQueryDto extends createZodDto(EvaluatedEventsQuery) {}
export class EvaluatedEventsPageDto extends createZodDto(EvaluatedEventsPage) {}
