import { eventOccurrence, FINAL_FAILURE_STATUSES, type AcceptedEventOf, type TriggerName } from '@tripline/contracts';
import { firingPayload, type Candidate } from './candidate';

type RefreshEvent = AcceptedEventOf<'datasource.refresh.completed'>;

/**
 * Which refresh trigger an event fires: a success fires "succeeded"; a final failure, time-out
 * or skip fires "failed"; "retrying" fires nothing, because the platform has not given up yet.
 */
export function refreshTriggerFor(event: RefreshEvent): 'data-source-refresh-succeeded' | 'data-source-refresh-failed' | null {
  if (event.data.status === 'succeeded') return 'data-source-refresh-succeeded';
  if (FINAL_FAILURE_STATUSES.includes(event.data.status)) return 'data-source-refresh-failed';
  return null;
}

export function refreshCandidates(event: RefreshEvent): Candidate[] {
  const trigger = refreshTriggerFor(event);
  if (!trigger) return [];
  const { data } = event;
  return [
    {
      event,
      trigger: trigger satisfies TriggerName,
      entityId: data.dataSourceId,
      occurrence: eventOccurrence(event.id),
      fire: (subscription) => firingPayload(event, subscription.id, {
        trigger,
        dataSourceId: data.dataSourceId,
        dataSourceName: data.dataSourceName,
        runId: data.runId,
        status: data.status,
        startedAt: data.startedAt,
        completedAt: data.completedAt,
        errorCode: data.error?.code ?? null,
        errorMessage: data.error?.message ?? null,
      }),
    },
  ];
}
