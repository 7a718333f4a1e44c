import type { Outbound } from '@tripline/kafka';
import { deliveryId } from '@tripline/contracts';
import type { MatchableSubscription, MatchKey } from '../subscriptions/trigger-subscription-index';
import type { Candidate } from './candidate';

/** The subscriptions to look a candidate up by. */
export const candidateKey = (c: Candidate): MatchKey => ({ tenantId: c.event.tenantId, trigger: c.trigger, entityId: c.entityId });

/**
 * One delivery request per candidate and subscription it fires, among those looked up for the
 * batch: the tenant's, of the candidate's trigger, on its entity or on none; then the
 * subscription's own parameters decide (`fire`). Each request joins its own event's trace.
 */
export function deliveryRequests(
  candidates: Candidate[],
  subscriptions: MatchableSubscription[],
  requestedAt: string,
  traceOf: (candidate: Candidate) => Outbound<'deliveries'>['trace'],
): Array<Outbound<'deliveries'>> {
  const requests: Array<Outbound<'deliveries'>> = [];
  for (const candidate of candidates) {
    const { event, trigger, entityId } = candidate;
    for (const s of subscriptions) {
      if (s.tenantId !== event.tenantId || s.trigger !== trigger || (s.entityId !== null && s.entityId !== entityId)) continue;
      const payload = candidate.fire(s);
      if (!payload) continue;
      requests.push({
        key: s.id,
        value: {
          deliveryId: deliveryId(event.tenantId, candidate.occurrence, s.id),
          tenantId: event.tenantId,
          subscriptionId: s.id,
          trigger,
          eventId: event.id,
          payload,
          requestedAt,
        },
        trace: traceOf(candidate),
      });
    }
  }
  return requests;
}
