import type { AcceptedEvent, AcceptedEventOf } from '@tripline/contracts';
import type { Observation, Transition } from '../thresholds/observation-store';
import { crossesAbove } from '../thresholds/threshold-crossing';
import { commonPayload, type Candidate } from './candidate';

type Measured = AcceptedEventOf<'segment.refreshed'> | AcceptedEventOf<'measure.refreshed'>;

export function isMeasured(event: AcceptedEvent): event is Measured {
  return event.type === 'segment.refreshed' || event.type === 'measure.refreshed';
}

/** The observation a segment or measure event makes, for the observation store. */
export function observationOf(event: Measured): Observation {
  const base = { tenantId: event.tenantId, eventId: event.id, occurredAt: event.occurredAt };
  return event.type === 'segment.refreshed'
    ? { ...base, kind: 'segment', entityId: event.data.segmentId, value: event.data.memberCount }
    : { ...base, kind: 'measure', entityId: event.data.measureId, value: event.data.value };
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
      occurrence: `event:${event.id}`,
      fire: (subscription) =>
        firesFor(subscription.params['threshold'])
          ? {
              ...commonPayload(event, subscription.id),
              trigger: 'segment-threshold-crossed',
              segmentId: data.segmentId,
              segmentName: data.segmentName,
              threshold: subscription.params['threshold'] as number,
              previousValue: previous as number,
              newValue: current,
              runId: data.runId ?? null,
            }
          : null,
    };
  }
  const { data } = event;
  return {
    event,
    trigger: 'measure-threshold-crossed',
    entityId: data.measureId,
    occurrence: `event:${event.id}`,
    fire: (subscription) =>
      firesFor(subscription.params['threshold'])
        ? {
            ...commonPayload(event, subscription.id),
            trigger: 'measure-threshold-crossed',
            measureId: data.measureId,
            measureName: data.measureName,
            threshold: subscription.params['threshold'] as number,
            previousValue: previous as number,
            newValue: current,
            runId: data.runId ?? null,
          }
        : null,
  };
}
