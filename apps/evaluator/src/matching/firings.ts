import type { Outbound } from '@tripline/kafka';
import { callbackBody, deliveryId } from '@tripline/contracts';
import type { MatchableSubscription, MatchKey } from '../subscriptions/trigger-subscription-index';
import type { Candidate } from './candidate';

/** The subscriptions to look a candidate up by. */
export const candidateKey = (c: Candidate): MatchKey => ({ tenantId: c.event.tenantId, trigger: c.trigger, entityId: c.entityId });

/**
 * One delivery request per candidate and subscription it fires, among those looked up for the
 * batch: the tenant's, of the candidate's trigger, on its entity or on none; then the
 * subscription's own parameters decide (`fire`). Each request joins its own event's trace.
 * The subscriptions are grouped by what they match first, so that a batch of many events and
 * many tenants costs candidates + subscriptions, not their product.
 */
export function deliveryRequests(
  candidates: Candidate[],
  subscriptions: MatchableSubscription[],
  requestedAt: string,
  traceOf: (candidate: Candidate) => Outbound<'deliveries'>['trace'],
): Array<Outbound<'deliveries'>> {
  // Each group keeps the lookup's order, by position, so that the two a candidate takes merge back into it.
  const byKey = new Map<string, number[]>();
  subscriptions.forEach((s, at) => {
    const key = keyOf(s.tenantId, s.trigger, s.entityId);
    const group = byKey.get(key);
    if (group) group.push(at);
    else byKey.set(key, [at]);
  });
  const requests: Array<Outbound<'deliveries'>> = [];
  for (const candidate of candidates) {
    const { event, trigger, entityId } = candidate;
    const onEntity = entityId === null ? [] : (byKey.get(keyOf(event.tenantId, trigger, entityId)) ?? []);
    const onNone = byKey.get(keyOf(event.tenantId, trigger, null)) ?? [];
    for (const at of merged(onEntity, onNone)) {
      const s = subscriptions[at];
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
          body: callbackBody(payload),
          requestedAt,
        },
        trace: traceOf(candidate),
      });
    }
  }
  return requests;
}

/** Two ascending lists of positions as one. */
function merged(a: number[], b: number[]): number[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && a[i] < b[j]) ? a[i++] : b[j++]);
  return out;
}

/** JSON of the parts: no tenant, trigger or entity id can make two keys collide. */
const keyOf = (tenantId: string, trigger: string, entityId: string | null) => JSON.stringify([tenantId, trigger, entityId]);
