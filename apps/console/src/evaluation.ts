// How the console shows an event's evaluation ("why did (not) my flow fire?"). Pure, so what
// each reason shows has tests of its own; the pages only lay it out.
import type { components } from './api/schema';
import { formatTime } from './format';

export type Evaluation = components['schemas']['EventEvaluationDto_Output'];
export type Verdict = Evaluation['subscriptions'][number];
export type Reason = NonNullable<Verdict['reason']>;
export type EventType = Evaluation['type'];

/** The ingest contract's event types, in the order the README lists them, each as a person says it. */
export const EVENT_TYPES: ReadonlyArray<{ type: EventType; label: string }> = [
  { type: 'datasource.refresh.completed', label: 'A data source refresh completed' },
  { type: 'segment.refreshed', label: 'A segment was refreshed' },
  { type: 'measure.refreshed', label: 'A measure was refreshed' },
  { type: 'refresh.completed', label: 'A refresh run completed' },
  { type: 'unification.completed', label: 'A unification run completed' },
];

const ENTITY_KINDS: Record<Evaluation['entity']['kind'], string> = {
  dataSource: 'Data source',
  segment: 'Segment',
  measure: 'Measure',
  refresh: 'Refresh run',
  unification: 'Unification run',
};

export const entityKindLabel = (kind: Evaluation['entity']['kind']): string => ENTITY_KINDS[kind];

/** One value a reason names, labelled; `eventId` when the value is another event (to link to). */
export interface ReasonValue {
  key: string;
  label: string;
  text: string;
  eventId?: string;
}

type ValueKind = 'text' | 'number' | 'time' | 'event' | 'list' | 'flag';

/**
 * Every value a reason may carry, in the order a person reads them: for a threshold, the
 * previous value, the new one, then the threshold. A field the API adds later is shown after
 * these, by its own name, rather than hidden.
 */
const REASON_VALUES: ReadonlyArray<[keyof Reason, string, ValueKind]> = [
  ['parameter', 'Parameter', 'text'],
  ['expected', 'Subscribed to', 'text'],
  ['actual', 'The event is about', 'text'],
  ['status', 'Ended', 'text'],
  ['statuses', 'Fires on', 'list'],
  ['runId', 'Run', 'text'],
  ['runTrigger', 'Run started', 'text'],
  ['includeManual', 'includeManual', 'flag'],
  ['previous', 'Previous value', 'number'],
  ['previousAt', 'Previous observed at', 'time'],
  ['value', 'New value', 'number'],
  ['threshold', 'Threshold', 'number'],
  ['occurredAt', 'Observed at', 'time'],
  ['firstEventId', 'First reported by', 'event'],
  ['firstEvaluatedAt', 'First evaluated at', 'time'],
  ['createdAt', 'Subscription made at', 'time'],
  ['deletedAt', 'Deleted at', 'time'],
  ['disabledAt', 'Disabled at', 'time'],
  ['disabledReason', 'Disabled because', 'text'],
  ['since', 'Waiting since', 'time'],
  ['subscriptionStatus', 'Status now', 'text'],
  ['changedAt', 'Last changed at', 'time'],
  ['evaluatedAt', 'Event evaluated at', 'time'],
];
const KNOWN = new Set<string>(['code', 'message', ...REASON_VALUES.map(([key]) => key)]);

function shown(value: unknown, kind: ValueKind): string {
  if (value === null) return 'none';
  switch (kind) {
    case 'time':
      return formatTime(String(value));
    case 'list':
      return Array.isArray(value) ? value.join(', ') : String(value);
    case 'flag':
      return value ? 'true' : 'false';
    default:
      return String(value);
  }
}

/** The values a reason names, to show beside its message. */
export function reasonValues(reason: Reason): ReasonValue[] {
  const values: ReasonValue[] = [];
  for (const [key, label, kind] of REASON_VALUES) {
    const value = reason[key];
    if (value === undefined) continue;
    values.push({ key, label, text: shown(value, kind), ...(kind === 'event' ? { eventId: String(value) } : {}) });
  }
  for (const [key, value] of Object.entries(reason)) {
    if (!KNOWN.has(key) && value !== undefined) values.push({ key, label: key, text: shown(value, 'text') });
  }
  return values;
}

/** The answer at a glance: how many of the subscriptions listed it fired. */
export function firedSummary(evaluation: Pick<Evaluation, 'subscriptions' | 'subscriptionsTruncated'>): string {
  const all = evaluation.subscriptions.length;
  const fired = evaluation.subscriptions.filter((s) => s.fired).length;
  if (all === 0) return 'No subscription to this kind of event: nothing to fire.';
  const of = `${all}${evaluation.subscriptionsTruncated ? '+' : ''} ${all === 1 ? 'subscription' : 'subscriptions'}`;
  if (fired === 0) return `Fired none of ${of}.`;
  return `Fired ${fired} of ${of}.`;
}

/** What the observation of a segment or a measure did, in a sentence. */
export function observationSentence(observation: NonNullable<Evaluation['observation']>): string {
  const previous = observation.previous === null ? 'none' : String(observation.previous);
  switch (observation.outcome) {
    case 'first':
      return 'The first value seen of it: the baseline, which fires nothing.';
    case 'applied':
      return `Applied: it went from ${previous} to ${observation.value}.`;
    case 'replayed':
      return `Applied before (this is a redelivery): it went from ${previous} to ${observation.value} then.`;
    case 'stale':
      return `Older than the last value applied (${previous}${observation.previousAt ? `, observed ${formatTime(observation.previousAt)}` : ''}): not applied, fires nothing.`;
    case 'same-instant':
      return `Observed at the same instant as the last value applied (${previous}): not applied again, fires nothing.`;
  }
}
