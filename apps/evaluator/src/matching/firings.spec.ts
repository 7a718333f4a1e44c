import type { AcceptedEvent, TriggerName } from '@tripline/contracts';
import fc from 'fast-check';
import type { MatchableSubscription } from '../subscriptions/trigger-subscription-index';
import type { Candidate } from './candidate';
import { deliveryRequests } from './firings';

const TRIGGERS: TriggerName[] = ['data-source-refresh-failed', 'segment-threshold-crossed'];

/** A candidate that fires every subscription it is offered, naming it in the payload. */
function candidate(tenantId: string, trigger: TriggerName, entityId: string | null, n: number): Candidate {
  const event = { id: `evt-${n}`, tenantId } as AcceptedEvent;
  return { event, trigger, entityId, occurrence: `event:${event.id}`, fire: (s) => ({ firedFor: s.id }) as never };
}

/** The rule, stated plainly: the tenant's subscriptions of the trigger, on the candidate's entity or on none, in the lookup's order. */
function expected(candidates: Candidate[], subscriptions: MatchableSubscription[]): Array<[string, string]> {
  return candidates.flatMap((c) =>
    subscriptions
      .filter((s) => s.tenantId === c.event.tenantId && s.trigger === c.trigger && (s.entityId === null || s.entityId === c.entityId))
      .map((s): [string, string] => [c.event.id, s.id]),
  );
}

describe('deliveryRequests', () => {
  it('fires exactly the subscriptions the rule names, in order, for any mix of tenants, triggers and entities', () => {
    const tenant = fc.constantFrom('t1', 't2', 't3');
    const trigger = fc.constantFrom(...TRIGGERS);
    const entity = fc.option(fc.constantFrom('e1', 'e2', 'e|3', '["e1"]'), { nil: null });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(tenant, trigger, entity), { maxLength: 30 }),
        fc.array(fc.tuple(tenant, trigger, entity), { maxLength: 30 }),
        (cs, ss) => {
          const candidates = cs.map(([t, tr, e], n) => candidate(t, tr, e, n));
          const subscriptions = ss.map(([tenantId, tr, entityId], n): MatchableSubscription => ({ id: `sub-${n}`, tenantId, trigger: tr, entityId, params: {} }));
          const fired = deliveryRequests(candidates, subscriptions, '2026-11-30T00:00:00.000Z', () => undefined).map((r): [string, string] => [r.value.eventId, r.value.subscriptionId]);
          expect(fired).toEqual(expected(candidates, subscriptions));
        },
      ),
    );
  });

  it('derives each request\'s delivery id from its tenant, occurrence and subscription, and keys it by the subscription', () => {
    const subscriptions: MatchableSubscription[] = [{ id: 'sub-1', tenantId: 't1', trigger: TRIGGERS[0], entityId: null, params: {} }];
    const [first] = deliveryRequests([candidate('t1', TRIGGERS[0], 'e1', 1)], subscriptions, 'now', () => undefined);
    const [again] = deliveryRequests([candidate('t1', TRIGGERS[0], 'e1', 1)], subscriptions, 'now', () => undefined);
    expect(first.key).toBe('sub-1');
    expect(first.value.deliveryId).toBe(again.value.deliveryId);
  });
});
