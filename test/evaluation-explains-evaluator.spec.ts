import { subscriptionEntityId, TRIGGER_CATALOGUE, type AcceptedEvent, type TriggerName } from '@tripline/contracts';
import fc from 'fast-check';
import { evaluationsOf } from '../apps/evaluator/src/evaluations/event-evaluation';
import { directCandidates } from '../apps/evaluator/src/matching/direct-candidates';
import { deliveryRequests } from '../apps/evaluator/src/matching/firings';
import { isMeasured, observationOf, thresholdCandidates, thresholdKey } from '../apps/evaluator/src/matching/threshold-triggers';
import type { ObservationOutcome } from '../apps/evaluator/src/thresholds/observation-store';
import { verdictOf, type EvaluationRecord } from '../apps/gateway/src/event-evaluations/subscription-verdicts';

/**
 * The gateway explains what the evaluator decided without running the evaluator: it reads the
 * record (`event_evaluations`) and applies its own reading of each trigger's rule. Here both
 * run on the same generated events and subscriptions, through the evaluator's own code (the
 * candidates, the firings, the record): every subscription the evaluator fires, the gateway
 * calls fired with the same delivery id; every other, it gives a reason of the rule (never
 * "inactive", which is kept for subscriptions the evaluator did not hold). So the explanation
 * cannot drift from the rule it explains.
 */
const TENANT = '7b0c1c52-2f0e-4c59-9d7e-2b8f3c6c1a11';
const ids = ['a', 'b'];
const value = fc.oneof(fc.constantFrom(0, 1, 99, 100, 101, 2 ** 53 - 1, -1e308, 1e308), fc.double({ noNaN: true, noDefaultInfinity: true }));
const count = fc.oneof(fc.constantFrom(0, 99, 100, 101), fc.maxSafeNat());
const at = '2026-11-26T10:00:00.000Z';

const event: fc.Arbitrary<AcceptedEvent> = fc.oneof(
  fc.record({ status: fc.constantFrom('succeeded', 'failed', 'retrying', 'timed_out', 'skipped'), ds: fc.constantFrom(...ids) }).map(
    ({ status, ds }) => ({ type: 'datasource.refresh.completed', data: { dataSourceId: ds, dataSourceName: 'DS', runId: 'r', status, startedAt: at, completedAt: at } }) as never,
  ),
  fc.record({ seg: fc.constantFrom(...ids), n: count }).map(({ seg, n }) => ({ type: 'segment.refreshed', data: { segmentId: seg, segmentName: 'S', memberCount: n } }) as never),
  fc.record({ m: fc.constantFrom(...ids), v: value }).map(({ m, v }) => ({ type: 'measure.refreshed', data: { measureId: m, measureName: 'M', value: v } }) as never),
  fc.record({ scope: fc.constantFrom('full', 'partial'), trigger: fc.constantFrom('scheduled', 'manual') }).map(
    ({ scope, trigger }) => ({ type: 'refresh.completed', data: { runId: 'run-1', scope, trigger, status: 'succeeded', startedAt: at, completedAt: at, components: [] } }) as never,
  ),
  fc.constant({ type: 'unification.completed', data: { runId: 'run-2', status: 'failed', startedAt: at, completedAt: at, stages: { map: { status: 'succeeded' }, match: { status: 'failed' }, merge: { status: 'skipped' } } } } as never),
).map((e: object) => ({ id: 'evt-1', occurredAt: at, tenantId: TENANT, receivedAt: at, source: 'http', ...e }) as AcceptedEvent);

/** What the observation store may decide for a segment's or measure's observation. */
const outcomeKind = fc.constantFrom('first', 'applied', 'replayed', 'stale', 'same-instant');

const params = (trigger: TriggerName) => {
  switch (trigger) {
    case 'data-source-refresh-failed':
    case 'data-source-refresh-succeeded':
      return fc.option(fc.constantFrom(...ids), { nil: undefined }).map((ds) => (ds === undefined ? {} : { dataSourceId: ds }));
    case 'segment-threshold-crossed':
      return fc.record({ segmentId: fc.constantFrom(...ids), threshold: count });
    case 'measure-threshold-crossed':
      return fc.record({ measureId: fc.constantFrom(...ids), threshold: value });
    case 'full-refresh-completed':
      return fc.record({ includeManual: fc.boolean() });
    default:
      return fc.constant({});
  }
};
const subscriptions = fc.array(
  fc.constantFrom(...TRIGGER_CATALOGUE.filter((t) => t.name !== 'subscription-disabled').map((t) => t.name)).chain((trigger) => params(trigger).map((p) => ({ trigger, params: p as Record<string, string | number | boolean> }))),
  { maxLength: 6 },
);

describe("the gateway's explanation agrees with the evaluator's decision", () => {
  it('fired where the evaluator fires (same delivery id), a reason of the rule everywhere else', () => {
    fc.assert(
      fc.property(event, subscriptions, outcomeKind, value, (e, subs, kind, previous) => {
        const matchable = subs.map((s, i) => ({ id: `00000000-0000-4000-8000-00000000000${i}`, tenantId: TENANT, trigger: s.trigger, entityId: subscriptionEntityId(s.trigger, s.params), params: s.params }));
        const direct = directCandidates(e, 32 * 1024);
        const considered = new Map<AcceptedEvent, TriggerName>(direct.map((c) => [c.event, c.trigger]));
        const outcomes: ObservationOutcome[] = [];
        if (isMeasured(e)) {
          considered.set(e, thresholdKey(e).trigger);
          const observation = observationOf(e);
          if (kind === 'first') outcomes.push({ kind: 'applied', observation, previous: null, current: observation.value, previousMicros: null });
          else if (kind === 'applied') outcomes.push({ kind: 'applied', observation, previous, current: observation.value, previousMicros: 0n });
          else if (kind === 'replayed') outcomes.push({ kind: 'replayed', observation, previous, current: observation.value });
          else outcomes.push({ kind, observation, last: previous, lastMicros: 0n });
        }
        const requests = deliveryRequests([...direct, ...thresholdCandidates(isMeasured(e) ? [e] : [], outcomes)], matchable, at, () => undefined);
        const [row] = evaluationsOf([e], considered, outcomes, requests);
        const record: EvaluationRecord = {
          tenantId: row.tenantId,
          eventId: row.eventId,
          type: row.eventType,
          entity: { kind: row.entityKind, id: row.entityId },
          occurredAt: row.occurredAt,
          evaluatedAt: new Date(at),
          trigger: row.trigger,
          status: row.status,
          runTrigger: row.runTrigger,
          scope: row.scope,
          observation: row.observation,
          previous: row.previousValue,
          value: row.value,
          previousAt: row.previousAt,
          fired: row.fired,
        };
        const firedBy = TRIGGER_CATALOGUE.filter((t) => t.firedBy === e.type).map((t) => t.name);
        for (const s of matchable.filter((m) => firedBy.includes(m.trigger))) {
          const verdict = verdictOf(
            record,
            { id: s.id, trigger: s.trigger, params: s.params, status: 'active', disabledReason: null, disabledAt: null, createdAt: new Date(0), updatedAt: new Date(0) },
            [],
          );
          const request = requests.find((r) => r.value.subscriptionId === s.id);
          if (request) expect(verdict).toMatchObject({ fired: true, deliveryId: request.value.deliveryId, reason: null });
          else expect(verdict.reason?.code).not.toBe('inactive_at_event');
          if (!request) expect(verdict.fired).toBe(false);
        }
      }),
      { numRuns: 3_000 },
    );
  });
});
