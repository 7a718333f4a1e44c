import { deliveryId, runOccurrence, eventOccurrence } from '@tripline/contracts';
import { verdictOf, type EvaluationRecord, type SubscriptionRecord } from './subscription-verdicts';

const tenant = '7b0c1c52-2f0e-4c59-9d7e-2b8f3c6c1a11';
const sub = '3f2a9c1e-8d4b-4e6f-a1b2-c3d4e5f60718';
const evaluatedAt = new Date('2026-12-01T10:00:00.000Z');
const before = new Date('2026-11-30T10:00:00.000Z');
const after = new Date('2026-12-02T10:00:00.000Z');

const refresh = (overrides: Partial<EvaluationRecord> = {}): EvaluationRecord => ({
  tenantId: tenant,
  eventId: 'evt-1',
  type: 'datasource.refresh.completed',
  entity: { kind: 'dataSource', id: 'ds-1' },
  occurredAt: '2026-12-01T09:59:00.000Z',
  evaluatedAt,
  trigger: 'data-source-refresh-failed',
  status: 'failed',
  runTrigger: null,
  scope: null,
  observation: null,
  previous: null,
  value: null,
  previousAt: null,
  fired: [],
  ...overrides,
});
const segment = (observation: EvaluationRecord['observation'], previous: number | null, value: number, overrides: Partial<EvaluationRecord> = {}) =>
  refresh({ type: 'segment.refreshed', entity: { kind: 'segment', id: 'seg-1' }, trigger: 'segment-threshold-crossed', status: null, observation, previous, value, ...overrides });
const subscription = (overrides: Partial<SubscriptionRecord> = {}): SubscriptionRecord => ({
  id: sub,
  trigger: 'data-source-refresh-failed',
  params: {},
  status: 'active',
  disabledReason: null,
  disabledAt: null,
  createdAt: before,
  updatedAt: before,
  ...overrides,
});
const onSegment = (threshold: number, overrides: Partial<SubscriptionRecord> = {}) =>
  subscription({ trigger: 'segment-threshold-crossed', params: { segmentId: 'seg-1', threshold }, ...overrides });
const code = (event: EvaluationRecord, s: SubscriptionRecord) => verdictOf(event, s, []).reason?.code ?? 'fired';

describe('why a subscription fired for an event or not', () => {
  it('says fired with the delivery id the evaluator derived, for an event and for a run', () => {
    expect(verdictOf(refresh({ fired: [sub] }), subscription(), [])).toEqual({
      subscriptionId: sub,
      trigger: 'data-source-refresh-failed',
      status: 'active',
      fired: true,
      deliveryId: deliveryId(tenant, eventOccurrence('evt-1'), sub),
      reason: null,
    });
    const run = refresh({ type: 'refresh.completed', entity: { kind: 'refresh', id: 'run-9' }, trigger: 'full-refresh-completed', scope: 'full', runTrigger: 'scheduled', fired: [sub] });
    expect(verdictOf(run, subscription({ trigger: 'full-refresh-completed' }), []).deliveryId).toBe(deliveryId(tenant, runOccurrence('run-9'), sub));
  });

  it('calls a second report of a run that fired the subscription a duplicate, linking the one delivery', () => {
    const run = refresh({ eventId: 'evt-2', type: 'refresh.completed', entity: { kind: 'refresh', id: 'run-9' }, trigger: 'full-refresh-completed', scope: 'full', runTrigger: 'scheduled', fired: [sub] });
    const verdict = verdictOf(run, subscription({ trigger: 'full-refresh-completed' }), [{ eventId: 'evt-1', evaluatedAt: before, fired: new Set([sub]) }]);
    expect(verdict).toMatchObject({ fired: false, deliveryId: deliveryId(tenant, runOccurrence('run-9'), sub), reason: { code: 'duplicate_event', firstEventId: 'evt-1', runId: 'run-9' } });
    // The earlier report did not fire it (subscribed in between): this one's delivery is its first.
    expect(verdictOf(run, subscription({ trigger: 'full-refresh-completed' }), [{ eventId: 'evt-1', evaluatedAt: before, fired: new Set() }]).fired).toBe(true);
  });

  it('names the subscription made after the event, before anything else', () => {
    const verdict = verdictOf(refresh({ status: 'succeeded' }), subscription({ createdAt: after, updatedAt: after }), []);
    expect(verdict.reason).toMatchObject({ code: 'created_after_event', createdAt: after.toISOString(), evaluatedAt: evaluatedAt.toISOString() });
    expect(verdict.reason?.message).toMatch(/after the event was evaluated/);
  });

  it('names a deletion, a disabling or a pending handshake that came before the event; a later one leaves the rule to speak', () => {
    expect(verdictOf(refresh(), subscription({ status: 'deleted' }), []).reason).toMatchObject({ code: 'subscription_deleted', deletedAt: before.toISOString() });
    expect(verdictOf(refresh(), subscription({ status: 'disabled', disabledReason: 'callback answered 410', disabledAt: before, updatedAt: after }), []).reason).toMatchObject({
      code: 'subscription_disabled',
      disabledAt: before.toISOString(),
      disabledReason: 'callback answered 410',
    });
    expect(code(refresh(), subscription({ status: 'pending_validation' }))).toBe('pending_validation');
    // Deleted after the event, which did not concern it anyway: the rule's reason.
    expect(code(refresh({ entity: { kind: 'dataSource', id: 'ds-1' } }), subscription({ status: 'deleted', updatedAt: after, params: { dataSourceId: 'ds-2' } }))).toBe('parameter_mismatch');
  });

  it('explains the refresh triggers: another data source, still retrying, another status', () => {
    expect(verdictOf(refresh(), subscription({ params: { dataSourceId: 'ds-2' } }), []).reason).toMatchObject({
      code: 'parameter_mismatch',
      parameter: 'dataSourceId',
      expected: 'ds-2',
      actual: 'ds-1',
      message: 'The subscription watches data source "ds-2"; this event is about data source "ds-1".',
    });
    expect(code(refresh({ status: 'retrying', trigger: null }), subscription())).toBe('refresh_retrying');
    expect(verdictOf(refresh({ status: 'succeeded', trigger: 'data-source-refresh-succeeded' }), subscription(), []).reason).toMatchObject({ code: 'status_mismatch', status: 'succeeded' });
    expect(code(refresh({ status: 'timed_out' }), subscription({ trigger: 'data-source-refresh-succeeded' }))).toBe('status_mismatch');
  });

  it('explains the threshold rule with the values: baseline, below (equal is not above), not re-armed, stale, same instant', () => {
    expect(verdictOf(segment('first', null, 500), onSegment(100), []).reason).toMatchObject({ code: 'first_observation', value: 500 });
    expect(verdictOf(segment('applied', 50, 100), onSegment(100), []).reason).toMatchObject({ code: 'below_threshold', previous: 50, value: 100, threshold: 100, message: expect.stringMatching(/equal is not above/) });
    expect(verdictOf(segment('applied', 150, 160), onSegment(100), []).reason).toMatchObject({ code: 'not_rearmed', previous: 150, value: 160, threshold: 100 });
    expect(verdictOf(segment('stale', 150, 90, { previousAt: '2026-12-01T09:00:00.000Z' }), onSegment(100), []).reason).toMatchObject({
      code: 'stale_observation',
      previous: 150,
      value: 90,
      previousAt: '2026-12-01T09:00:00.000Z',
    });
    expect(code(segment('same-instant', 150, 999), onSegment(100))).toBe('duplicate_event');
    expect(code(segment('applied', 50, 150), onSegment(100, { params: { segmentId: 'seg-2', threshold: 100 } }))).toBe('parameter_mismatch');
  });

  it('explains the full refresh trigger: partial, manual without includeManual', () => {
    const run = (scope: string, runTrigger: string) => refresh({ type: 'refresh.completed', entity: { kind: 'refresh', id: 'run-1' }, trigger: null, scope, runTrigger, status: 'succeeded' });
    expect(code(run('partial', 'scheduled'), subscription({ trigger: 'full-refresh-completed' }))).toBe('partial_refresh');
    expect(verdictOf(run('full', 'manual'), subscription({ trigger: 'full-refresh-completed', params: { includeManual: false } }), []).reason).toMatchObject({
      code: 'not_scheduled_run',
      runTrigger: 'manual',
      includeManual: false,
    });
  });

  it('when the rule says it would fire and it did not, says it was not active in the evaluator then', () => {
    const crossing = segment('applied', 50, 150);
    expect(verdictOf(crossing, onSegment(100, { updatedAt: after }), []).reason).toMatchObject({ code: 'inactive_at_event', subscriptionStatus: 'active', changedAt: after.toISOString() });
    expect(verdictOf(crossing, onSegment(100, { status: 'disabled', disabledAt: after, updatedAt: after }), []).reason).toMatchObject({ code: 'inactive_at_event', subscriptionStatus: 'disabled' });
    expect(code(crossing, onSegment(100))).toBe('inactive_at_event');
  });

  it('quotes hostile ids as JSON in its sentences', () => {
    const message = verdictOf(refresh({ entity: { kind: 'dataSource', id: 'a"\n\u202eb' } }), subscription({ params: { dataSourceId: 'x' } }), []).reason?.message;
    expect(message).toContain(JSON.stringify('a"\n\u202eb'));
  });
});
