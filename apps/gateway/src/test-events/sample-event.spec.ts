import { EVENT_TYPES, eventEntity, IngestMessage } from '@tripline/contracts';
import { describeIssues } from '@tripline/contracts';
import { sampleEvent } from './sample-event';
import { TestEventRequest } from './test-event.dtos';

const context = { nonce: '0b7e5a52-9d1c-4a3e-8f59-4c1d2b6e7a10', now: new Date('2026-11-30T12:00:00.000Z') };
const issuesOf = (body: unknown) => {
  const parsed = TestEventRequest.safeParse(body);
  return parsed.success ? [] : describeIssues(parsed.error);
};

describe('a test event', () => {
  it.each(EVENT_TYPES)('of type %s is a valid event for the ingest topic, told apart by its test- id', (type) => {
    const event = sampleEvent(TestEventRequest.parse({ type }), context);
    expect(event).toMatchObject({ id: `test-${context.nonce}`, type, occurredAt: '2026-11-30T12:00:00.000Z' });
    expect(IngestMessage.safeParse({ ...event, tenantId: '6f1c0b1e-8a43-4b8e-9a51-3c2f3f0b9a10' }).success).toBe(true);
  });

  it('is about the entity asked for, with the value and status asked for', () => {
    const segment = sampleEvent(TestEventRequest.parse({ type: 'segment.refreshed', entityId: 'vip-customers', value: 42 }), context);
    expect(segment.data).toEqual({ segmentId: 'vip-customers', segmentName: 'vip-customers (test event)', memberCount: 42 });
    const measure = sampleEvent(TestEventRequest.parse({ type: 'measure.refreshed', value: -2.5 }), context);
    expect(measure.data).toMatchObject({ measureId: 'test-measure', value: -2.5 });
    const refresh = sampleEvent(TestEventRequest.parse({ type: 'datasource.refresh.completed', entityId: 'crm', status: 'succeeded' }), context);
    expect(refresh.data).toMatchObject({ dataSourceId: 'crm', status: 'succeeded', runId: `test-run-${context.nonce}` });
    expect(refresh.data).not.toHaveProperty('error');
    expect(eventEntity(sampleEvent(TestEventRequest.parse({ type: 'refresh.completed', entityId: 'nightly-7' }), context))).toEqual({ kind: 'refresh', id: 'nightly-7' });
  });

  it('defaults to what the common flows fire on: a failed data source refresh, a full scheduled run that succeeded', () => {
    expect(sampleEvent(TestEventRequest.parse({ type: 'datasource.refresh.completed' }), context).data).toMatchObject({
      dataSourceId: 'test-data-source',
      status: 'failed',
      error: { code: 'TEST_EVENT' },
    });
    expect(sampleEvent(TestEventRequest.parse({ type: 'refresh.completed' }), context).data).toMatchObject({ scope: 'full', trigger: 'scheduled', status: 'succeeded' });
    expect(sampleEvent(TestEventRequest.parse({ type: 'unification.completed', status: 'failed' }), context).data).toMatchObject({
      status: 'failed',
      stages: { map: { status: 'succeeded' }, merge: { status: 'failed' } },
    });
  });

  it('refuses a request naming each bad field', () => {
    expect(issuesOf({ type: 'order.placed' })).toEqual([expect.objectContaining({ path: 'type' })]);
    expect(issuesOf({})).toEqual([expect.objectContaining({ path: 'type' })]);
    expect(issuesOf({ type: 'refresh.completed', value: 3 })).toEqual([{ path: 'value', message: 'refresh.completed has no value: only segment.refreshed and measure.refreshed do' }]);
    expect(issuesOf({ type: 'segment.refreshed', value: 1.5 })).toEqual([{ path: 'value', message: "a segment's member count is an integer, at least 0" }]);
    expect(issuesOf({ type: 'segment.refreshed', status: 'failed' })).toEqual([{ path: 'status', message: 'segment.refreshed has no status: it reports a value' }]);
    expect(issuesOf({ type: 'datasource.refresh.completed', status: 'cancelled' })).toEqual([expect.objectContaining({ path: 'status', message: expect.stringContaining('retrying') })]);
    expect(issuesOf({ type: 'measure.refreshed', entityId: '' })).toEqual([expect.objectContaining({ path: 'entityId' })]);
    expect(issuesOf({ type: 'measure.refreshed', test: true })).toEqual([expect.objectContaining({ message: expect.stringContaining('test') })]);
  });
});
