import { eventEntity, type AcceptedEvent, type EntityKind, type TriggerName } from '@tripline/contracts';
import { utcTimestamp, utcTimestampOfMicros } from '@tripline/db';
import type { Outbound } from '@tripline/kafka';
import type { ObservationOutcome } from '../thresholds/observation-store';

/** What an observation did, as the record keeps it. */
export type ObservationVerdict = 'first' | 'applied' | 'replayed' | 'stale' | 'same-instant';

/**
 * The record of one event's evaluation: the facts the trigger rules judged and the subscriptions
 * it fired, and nothing per subscription that did not fire (the gateway explains those at query
 * time from this and the subscriptions). One row per event, whatever the number of subscriptions.
 */
export interface EventEvaluation {
  tenantId: string;
  eventId: string;
  eventType: AcceptedEvent['type'];
  entityKind: EntityKind;
  entityId: string;
  /** The instant in UTC, to the microsecond (the producer's own text stays in the payloads). */
  occurredAt: string;
  /** The trigger whose subscriptions it was matched against; null: none can fire (still retrying, a partial refresh). */
  trigger: TriggerName | null;
  status: string | null;
  runTrigger: string | null;
  scope: string | null;
  observation: ObservationVerdict | null;
  previousValue: number | null;
  value: number | null;
  previousAt: string | null;
  /** The subscriptions a delivery request was published for, each once (a copy of the event in the batch fires them again), sorted. */
  fired: string[];
}

/** An event's evaluation: `outcome` for a segment's or a measure's, `fired` as published. */
export function evaluationOf(event: AcceptedEvent, trigger: TriggerName | null, outcome: ObservationOutcome | undefined, fired: string[]): EventEvaluation {
  const entity = eventEntity(event);
  return {
    tenantId: event.tenantId,
    eventId: event.id,
    eventType: event.type,
    entityKind: entity.kind,
    entityId: entity.id,
    occurredAt: utcTimestamp(event.occurredAt),
    trigger,
    status: 'status' in event.data ? event.data.status : null,
    runTrigger: event.type === 'refresh.completed' ? event.data.trigger : null,
    scope: event.type === 'refresh.completed' ? event.data.scope : null,
    ...observed(outcome),
    fired: [...new Set(fired)].sort(),
  };
}

function observed(outcome: ObservationOutcome | undefined): Pick<EventEvaluation, 'observation' | 'previousValue' | 'value' | 'previousAt'> {
  if (!outcome) return { observation: null, previousValue: null, value: null, previousAt: null };
  switch (outcome.kind) {
    case 'applied':
      return {
        observation: outcome.previous === null ? 'first' : 'applied',
        previousValue: outcome.previous,
        value: outcome.current,
        previousAt: outcome.previousMicros === null ? null : utcTimestampOfMicros(outcome.previousMicros),
      };
    case 'replayed':
      // What it did when first applied; when the value before it was observed is not recorded.
      return { observation: 'replayed', previousValue: outcome.previous, value: outcome.current, previousAt: null };
    case 'stale':
    case 'same-instant':
      return { observation: outcome.kind, previousValue: outcome.last, value: outcome.observation.value, previousAt: utcTimestampOfMicros(outcome.lastMicros) };
  }
}

/** Each event's record: the trigger it was matched against, what its observation did, whom it fired. */
export function evaluationsOf(
  events: AcceptedEvent[],
  considered: Map<AcceptedEvent, TriggerName>,
  outcomes: ObservationOutcome[],
  requests: Array<Outbound<'deliveries'>>,
): EventEvaluation[] {
  const key = (tenantId: string, eventId: string) => `${tenantId}|${eventId}`;
  const fired = new Map<string, string[]>();
  for (const { value: r } of requests) fired.set(key(r.tenantId, r.eventId), [...(fired.get(key(r.tenantId, r.eventId)) ?? []), r.subscriptionId]);
  // In batch order: a copy of an event later in the batch was judged after the first (replayed).
  const outcomeOf = new Map<string, ObservationOutcome>();
  for (const o of outcomes) if (!outcomeOf.has(key(o.observation.tenantId, o.observation.eventId))) outcomeOf.set(key(o.observation.tenantId, o.observation.eventId), o);
  return events.map((event) =>
    evaluationOf(event, considered.get(event) ?? null, outcomeOf.get(key(event.tenantId, event.id)), fired.get(key(event.tenantId, event.id)) ?? []),
  );
}
