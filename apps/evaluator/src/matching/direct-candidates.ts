import type { AcceptedEvent } from '@tripline/contracts';
import type { Candidate } from './candidate';
import { refreshCandidates } from './refresh-triggers';
import { fullRefreshCandidates, unificationCandidates } from './run-triggers';

/** Triggers an event fires on its own, without history. */
export function directCandidates(event: AcceptedEvent, componentBytes: number): Candidate[] {
  switch (event.type) {
    case 'datasource.refresh.completed':
      return refreshCandidates(event);
    case 'refresh.completed':
      return fullRefreshCandidates(event, componentBytes);
    case 'unification.completed':
      return unificationCandidates(event);
    case 'segment.refreshed':
    case 'measure.refreshed':
      return [];
  }
}
