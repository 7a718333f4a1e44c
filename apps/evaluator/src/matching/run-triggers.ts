import { runOccurrence, type AcceptedEventOf } from '@tripline/contracts';
import { firingPayload, type Candidate } from './candidate';
import { componentsWithin } from './payload-components';

/**
 * A completed full refresh fires once per run (the run id, not the event id, is the
 * occurrence: a run reported twice fires once). Scheduled runs only, unless the subscription
 * asked for manual ones too; partial refreshes fire nothing.
 */
export function fullRefreshCandidates(event: AcceptedEventOf<'refresh.completed'>, componentBytes: number): Candidate[] {
  const { data } = event;
  if (data.scope !== 'full') return [];
  const listed = componentsWithin(data.components, componentBytes);
  return [
    {
      event,
      trigger: 'full-refresh-completed',
      entityId: null,
      occurrence: runOccurrence(data.runId),
      fire: (subscription) => {
        if (data.trigger === 'manual' && subscription.params['includeManual'] !== true) return null;
        return firingPayload(event, subscription.id, {
          trigger: 'full-refresh-completed' as const,
          runId: data.runId,
          runTrigger: data.trigger,
          status: data.status,
          startedAt: data.startedAt,
          completedAt: data.completedAt,
          componentCount: data.components.length,
          failedComponentCount: data.components.filter((c) => c.status !== 'succeeded').length,
          components: listed.components,
          componentsTruncated: listed.truncated,
        });
      },
    },
  ];
}

/** A completed unification run fires once per run, with its stages' outcomes. */
export function unificationCandidates(event: AcceptedEventOf<'unification.completed'>): Candidate[] {
  const { data } = event;
  return [
    {
      event,
      trigger: 'unification-completed',
      entityId: null,
      occurrence: runOccurrence(data.runId),
      fire: (subscription) => firingPayload(event, subscription.id, {
        trigger: 'unification-completed' as const,
        runId: data.runId,
        status: data.status,
        startedAt: data.startedAt,
        completedAt: data.completedAt,
        mapStatus: data.stages.map.status,
        matchStatus: data.stages.match.status,
        mergeStatus: data.stages.merge.status,
      }),
    },
  ];
}
