import { eventOccurrence, type AcceptedEvent, type AcceptedEventOf } from '@tripline/contracts';
import type { MatchKey } from '../subscriptions/trigger-subscription-index';
import type { Observation, ObservationOutcome, Transition } from '../thresholds/observation-store';
import { crossesAbove } from '../thresholds/threshold-crossing';
import { firingPayload, type Candidate } from './candidate';

type Measured = AcceptedEventOf<'segment.refreshed'> | AcceptedEventOf<'measure.refreshed'>;

export function isMeasured(event: AcceptedEvent): event is Measured {
  return event.type === 'segment.refreshed' || event.type === 'measure.refreshed';
}

/**
 * The subscriptions a segment's or measure's event is matched against: those on its entity.
 * Known before the observation is judged, so they are looked up first, whatever it turns out to do.
 */
export function thresholdKey(event: Measured): MatchKey {
  return event.type === 'segment.refreshed'
    ? { tenantId: event.tenantId, trigger: 'segment-threshold-crossed', entityId: event.data.segmentId }
    : { tenantId: event.tenantId, trigger: 'measure-threshold-crossed', entityId: event.data.measureId };
}

/** The observation a segment or measure event makes, for the observation store. */
export function observationOf(event: Measured): Observation {
  // No leading spread of the common fields: see firingPayload.
  const { tenantId, id: eventId, occurredAt } = event;
  return event.type === 'segment.refreshed'
    ? { tenantId, eventId, occurredAt, kind: 'segment', entityId: event.data.segmentId, value: event.data.memberCount }
    : { tenantId, eventId, occurredAt, kind: 'measure', entityId: event.data.measureId, value: event.data.value };
}

/** The candidates of a batch's observations: one per transition (applied or replayed); stale ones make none. */
export function thresholdCandidates(measured: Measured[], outcomes: ObservationOutcome[]): Candidate[] {
  const byEvent = new Map(measured.map((e) => [`${e.tenantId}|${e.id}`, e]));
  return outcomes
    .filter((o): o is Extract<ObservationOutcome, Transition> => o.kind === 'applied' || o.kind === 'replayed')
    .map((t) => thresholdCandidate(byEvent.get(`${t.observation.tenantId}|${t.observation.eventId}`)!, t));
}

/**
 * A transition of a segment's or measure's value fires each subscription on that entity whose
 * own threshold it crossed upwards. Stale observations produce no transition and so no candidate.
 */
export function thresholdCandidate(event: Measured, { previous, current }: Transition): Candidate {
  const firesFor = (threshold: unknown) => typeof threshold === 'number' && crossesAbove(previous, current, threshold);
  if (event.type === 'segment.refreshed') {
    const { data } = event;
    return {
      event,
      trigger: 'segment-threshold-crossed',
      entityId: data.segmentId,
      occurrence: eventOccurrence(event.id),
      fire: (subscription) =>
        firesFor(subscription.params['threshold'])
          ? firingPayload(event, subscription.id, {
              trigger: 'segment-threshold-crossed' as const,
              segmentId: data.segmentId,
              segmentName: data.segmentName,
              threshold: subscription.params['threshold'] as number,
              previousValue: previous as number,
              newValue: current,
              runId: data.runId ?? null,
            })
          : null,
    };
  }
  const { data } = event;
  return {
    event,
    trigger: 'measure-threshold-crossed',
    entityId: data.measureId,
    occurrence: eventOccurrence(event.id),
    fire: (subscription) =>
      firesFor(subscription.params['threshold'])
        ? firingPayload(event, subscription.id, {
            trigger: 'measure-threshold-crossed' as const,
            measureId: data.measureId,
            measureName: data.measureName,
            threshold: subscription.params['threshold'] as number,
            previousValue: previous as number,
            newValue: current,
            runId: data.runId ?? null,
          })
        : null,
  };
}
