import type { AcceptedEvent, TriggerName, TriggerPayload } from '@tripline/contracts';
import type { MatchableSubscription } from '../subscriptions/trigger-subscription-index';

/**
 * An event that may fire a trigger: which subscriptions to look up, what "once" means for it,
 * and, per subscription found, the payload to deliver (or null when that subscription's own
 * parameters say no, e.g. its threshold was not crossed).
 */
export interface Candidate {
  event: AcceptedEvent;
  trigger: TriggerName;
  /** The entity to look subscriptions up by; null: only subscriptions not narrowed to one. */
  entityId: string | null;
  /**
   * What makes a firing unique for one subscription: the event id, or the run id where a run
   * must fire once however many events report it. The delivery id is derived from it.
   */
  occurrence: string;
  fire(subscription: MatchableSubscription): TriggerPayload | null;
}

export function commonPayload(event: AcceptedEvent, subscriptionId: string) {
  return { eventId: event.id, tenantId: event.tenantId, subscriptionId, occurredAt: event.occurredAt };
}
