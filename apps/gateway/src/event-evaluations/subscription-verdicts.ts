import {
  deliveryId,
  eventOccurrence,
  FINAL_FAILURE_STATUSES,
  runOccurrence,
  type EntityKind,
  type EventType,
  type SubscriptionStatus,
  type TriggerName,
} from '@tripline/contracts';
import type { EvaluationReason, SubscriptionVerdict } from './event-evaluation.dtos';

/** What the evaluator recorded of one event (`event_evaluations`). */
export interface EvaluationRecord {
  tenantId: string;
  eventId: string;
  type: EventType;
  entity: { kind: EntityKind; id: string };
  occurredAt: string;
  evaluatedAt: Date;
  trigger: TriggerName | null;
  status: string | null;
  runTrigger: string | null;
  scope: string | null;
  observation: 'first' | 'applied' | 'replayed' | 'stale' | 'same-instant' | null;
  previous: number | null;
  value: number | null;
  previousAt: string | null;
  fired: readonly string[];
}

/** A subscription as the registry holds it now (`subscriptions`). */
export interface SubscriptionRecord {
  id: string;
  trigger: TriggerName;
  params: Record<string, unknown>;
  status: SubscriptionStatus;
  disabledReason: string | null;
  /** When its latest disabling happened (its notice's), when known. */
  disabledAt: Date | null;
  createdAt: Date;
  /** Its latest change of any kind. */
  updatedAt: Date;
}

/** Another event that reported the same run, evaluated before this one. */
export interface EarlierReport {
  eventId: string;
  evaluatedAt: Date;
  fired: ReadonlySet<string>;
}

type Reason = EvaluationReason;

const RUN_EVENTS: ReadonlySet<EventType> = new Set(['refresh.completed', 'unification.completed']);
const q = (value: unknown) => JSON.stringify(value);
const iso = (at: Date) => at.toISOString();

/**
 * Why one subscription fired for an event or not, from the evaluator's record of the event and
 * the subscription as it is now. Exact where the record says: the ids fired are what the
 * evaluator published, and the facts the rules judged (status, run, values) are the record's.
 * The subscription's state at the time is known from when it last changed: a change at or
 * before the evaluation is its state then; a later one leaves the rule's own verdict, and when
 * the rule says it would have fired, the only explanation left is that the evaluator did not
 * hold it as active then (`inactive_at_event`).
 *
 * Precedence, first that holds: fired (or a second report of a run that fired it); made after
 * the event; deleted, disabled or unvalidated at the time; the trigger's rule; inactive then.
 */
export function verdictOf(event: EvaluationRecord, subscription: SubscriptionRecord, earlier: readonly EarlierReport[]): SubscriptionVerdict {
  const base = { subscriptionId: subscription.id, trigger: subscription.trigger, status: subscription.status };
  if (event.fired.includes(subscription.id)) {
    const id = deliveryId(event.tenantId, occurrenceOf(event), subscription.id);
    // A run reported again fires the delivery of its first report: the same id, recorded once.
    const first = RUN_EVENTS.has(event.type) ? earlier.find((r) => r.fired.has(subscription.id)) : undefined;
    if (!first) return { ...base, fired: true, deliveryId: id, reason: null };
    return { ...base, fired: false, deliveryId: id, reason: duplicateRun(event, first, id) };
  }
  return { ...base, fired: false, deliveryId: null, reason: reasonNotFired(event, subscription) };
}

/** The occurrence the evaluator derived the delivery id from (see the evaluator's candidates). */
export function occurrenceOf(event: Pick<EvaluationRecord, 'type' | 'eventId' | 'entity'>): string {
  return RUN_EVENTS.has(event.type) ? runOccurrence(event.entity.id) : eventOccurrence(event.eventId);
}

function reasonNotFired(event: EvaluationRecord, s: SubscriptionRecord): Reason {
  const evaluatedAt = iso(event.evaluatedAt);
  if (s.createdAt > event.evaluatedAt) {
    return {
      code: 'created_after_event',
      message: `Subscribed at ${iso(s.createdAt)}, after the event was evaluated (${evaluatedAt}): an event fires the subscriptions that exist when it is evaluated.`,
      createdAt: iso(s.createdAt),
      evaluatedAt,
    };
  }
  const then = statusThen(event, s);
  if (then) return then;
  const rule = ruleReason(event, s);
  if (rule) return rule;
  const changedAt = iso(s.updatedAt);
  const message =
    s.updatedAt > event.evaluatedAt
      ? `The event would have fired it, but it was not active in the evaluator when the event was evaluated (${evaluatedAt}); it was changed after that (at ${changedAt}) and is ${s.status} now.`
      : `The event would have fired it, but the evaluator had not applied its latest change (at ${changedAt}) when it evaluated the event (${evaluatedAt}): it was made or enabled as the event was evaluated.`;
  return { code: 'inactive_at_event', message, evaluatedAt, subscriptionStatus: s.status, changedAt };
}

/** Deleted, disabled or unvalidated when the event was evaluated, as far as its last change tells. */
function statusThen(event: EvaluationRecord, s: SubscriptionRecord): Reason | null {
  const evaluatedAt = iso(event.evaluatedAt);
  switch (s.status) {
    case 'deleted':
      // A deleted subscription changes no more: its last change is its deletion.
      if (s.updatedAt > event.evaluatedAt) return null;
      return {
        code: 'subscription_deleted',
        message: `The subscription was deleted at ${iso(s.updatedAt)}, before the event was evaluated (${evaluatedAt}); a flow platform deletes it when the flow is deleted, turned off or its trigger changed.`,
        deletedAt: iso(s.updatedAt),
        evaluatedAt,
      };
    case 'disabled': {
      // A rotated secret changes a disabled subscription too: its notice says when it was disabled.
      const disabledAt = s.disabledAt ?? s.updatedAt;
      if (disabledAt > event.evaluatedAt) return null;
      return {
        code: 'subscription_disabled',
        message: `The subscription was disabled at ${iso(disabledAt)}, before the event was evaluated (${evaluatedAt})${s.disabledReason ? `: ${s.disabledReason}` : ''}. Enable it again (POST /v1/subscriptions/{id}/enable) to receive events.`,
        disabledAt: iso(disabledAt),
        disabledReason: s.disabledReason,
        evaluatedAt,
      };
    }
    case 'pending_validation':
      if (s.updatedAt > event.evaluatedAt) return null;
      return {
        code: 'pending_validation',
        message: `The subscription has been waiting since ${iso(s.updatedAt)} for its callback to answer the validation handshake; no event fires it until then.`,
        since: iso(s.updatedAt),
      };
    case 'active':
      return null;
  }
}

/** What the trigger's own rule says of this event for this subscription's parameters; null: it fires. */
function ruleReason(event: EvaluationRecord, s: SubscriptionRecord): Reason | null {
  switch (s.trigger) {
    case 'data-source-refresh-failed':
    case 'data-source-refresh-succeeded':
      return entityMismatch(event, s, 'dataSourceId', 'data source') ?? refreshStatusReason(event, s.trigger);
    case 'segment-threshold-crossed':
      return entityMismatch(event, s, 'segmentId', 'segment') ?? thresholdReason(event, s, `segment ${q(event.entity.id)}'s member count`);
    case 'measure-threshold-crossed':
      return entityMismatch(event, s, 'measureId', 'measure') ?? thresholdReason(event, s, `measure ${q(event.entity.id)}'s value`);
    case 'full-refresh-completed':
      return fullRefreshReason(event, s);
    case 'unification-completed':
    case 'subscription-disabled':
      return null;
  }
}

function entityMismatch(event: EvaluationRecord, s: SubscriptionRecord, parameter: string, noun: string): Reason | null {
  const expected = s.params[parameter];
  if (typeof expected !== 'string' || expected === event.entity.id) return null;
  return {
    code: 'parameter_mismatch',
    message: `The subscription watches ${noun} ${q(expected)}; this event is about ${noun} ${q(event.entity.id)}.`,
    parameter,
    expected,
    actual: event.entity.id,
  };
}

function refreshStatusReason(event: EvaluationRecord, trigger: 'data-source-refresh-failed' | 'data-source-refresh-succeeded'): Reason | null {
  const status = event.status ?? 'unknown';
  const refresh = `The refresh of data source ${q(event.entity.id)}`;
  if (trigger === 'data-source-refresh-failed') {
    if (FINAL_FAILURE_STATUSES.includes(status as never)) return null;
    if (status === 'retrying') {
      return {
        code: 'refresh_retrying',
        message: `${refresh} ended "retrying": the platform is trying again, so it has not failed. This trigger fires on a final failure (${FINAL_FAILURE_STATUSES.join(', ')}).`,
        status,
      };
    }
    return {
      code: 'status_mismatch',
      message: `${refresh} ended "${status}"; this trigger fires only when a refresh fails (${FINAL_FAILURE_STATUSES.join(', ')}).`,
      status,
      statuses: [...FINAL_FAILURE_STATUSES],
    };
  }
  if (status === 'succeeded') return null;
  return { code: 'status_mismatch', message: `${refresh} ended "${status}"; this trigger fires only when a refresh succeeds.`, status, statuses: ['succeeded'] };
}

function thresholdReason(event: EvaluationRecord, s: SubscriptionRecord, what: string): Reason | null {
  const value = event.value ?? Number.NaN;
  const previous = event.previous;
  const threshold = Number(s.params['threshold']);
  switch (event.observation) {
    case 'stale':
      return {
        code: 'stale_observation',
        message: `This observation of ${what} (${value}, at ${event.occurredAt}) is older than the last one applied (${previous}, at ${event.previousAt}): an out-of-order observation is not applied and fires nothing.`,
        value,
        occurredAt: event.occurredAt,
        previous,
        previousAt: event.previousAt ?? undefined,
      };
    case 'same-instant':
      return {
        code: 'duplicate_event',
        message: `${capitalized(what)} was already observed at this very instant (${event.occurredAt}) by another event (${previous}): an observation is applied only when it is newer than the last one, so this one fires nothing.`,
        value,
        occurredAt: event.occurredAt,
        previous,
        previousAt: event.previousAt ?? undefined,
      };
    case null:
      return null;
    default:
      break;
  }
  if (previous === null) {
    return {
      code: 'first_observation',
      message: `This is the first value seen of ${what} (${value}): it is the baseline and fires nothing; a later value above ${threshold} after one at or below it will.`,
      value,
    };
  }
  if (value <= threshold) {
    return {
      code: 'below_threshold',
      message: `${capitalized(what)} went from ${previous} to ${value}, which is not above the threshold ${threshold}${value === threshold ? ' (equal is not above)' : ''}.`,
      previous,
      value,
      threshold,
    };
  }
  if (previous > threshold) {
    return {
      code: 'not_rearmed',
      message: `${capitalized(what)} was above the threshold ${threshold} already (${previous}, now ${value}): it fires once per crossing, and again only after going back to or below ${threshold}.`,
      previous,
      value,
      threshold,
    };
  }
  return null;
}

function fullRefreshReason(event: EvaluationRecord, s: SubscriptionRecord): Reason | null {
  const runId = event.entity.id;
  if (event.scope === 'partial') {
    return { code: 'partial_refresh', message: `Run ${q(runId)} was a partial refresh; this trigger fires for full refreshes only.`, runId };
  }
  if (event.runTrigger === 'manual' && s.params['includeManual'] !== true) {
    return {
      code: 'not_scheduled_run',
      message: `Run ${q(runId)} was started by hand; this subscription fires for scheduled runs only (includeManual is false).`,
      runId,
      runTrigger: 'manual',
      includeManual: false,
    };
  }
  return null;
}

function duplicateRun(event: EvaluationRecord, first: EarlierReport, id: string): Reason {
  return {
    code: 'duplicate_event',
    message: `Run ${q(event.entity.id)} was reported before by event ${q(first.eventId)} (evaluated at ${iso(first.evaluatedAt)}), which fired this subscription: a run fires once, so this event's firing is that same delivery (${id}), not a second one.`,
    runId: event.entity.id,
    firstEventId: first.eventId,
    firstEvaluatedAt: iso(first.evaluatedAt),
  };
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
