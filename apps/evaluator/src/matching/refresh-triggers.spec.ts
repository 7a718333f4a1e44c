import type { AcceptedEventOf, RefreshStatus } from '@tripline/contracts';
import { refreshCandidates, refreshTriggerFor } from './refresh-triggers';

const event = (status: RefreshStatus, error?: { code: string; message: string }): AcceptedEventOf<'datasource.refresh.completed'> => ({
  id: 'evt-1',
  type: 'datasource.refresh.completed',
  occurredAt: '2026-11-26T10:00:00Z',
  tenantId: '0b3c1f4e-7c9a-4a34-9a8e-2d1f6a0b9c11',
  receivedAt: '2026-11-26T10:00:01Z',
  source: 'http',
  data: {
    dataSourceId: 'ds-1',
    dataSourceName: 'CRM',
    runId: 'run-1',
    status,
    startedAt: '2026-11-26T09:00:00Z',
    completedAt: '2026-11-26T10:00:00Z',
    error,
  },
});

describe('refresh triggers', () => {
  it.each([
    ['succeeded', 'data-source-refresh-succeeded'],
    ['failed', 'data-source-refresh-failed'],
    ['timed_out', 'data-source-refresh-failed'],
    ['skipped', 'data-source-refresh-failed'],
    ['retrying', null],
  ] as const)('a %s refresh fires %s', (status, trigger) => {
    expect(refreshTriggerFor(event(status))).toBe(trigger);
  });

  it('puts the event, the data source and the error into a flat payload', () => {
    const [candidate] = refreshCandidates(event('failed', { code: 'AUTH', message: 'token expired' }));
    expect(candidate).toMatchObject({ trigger: 'data-source-refresh-failed', entityId: 'ds-1', occurrence: 'event:evt-1' });
    const payload = candidate.fire({ id: 'sub-1', tenantId: '', trigger: 'data-source-refresh-failed', entityId: null, params: {} });
    expect(payload).toEqual({
      eventId: 'evt-1',
      trigger: 'data-source-refresh-failed',
      tenantId: '0b3c1f4e-7c9a-4a34-9a8e-2d1f6a0b9c11',
      subscriptionId: 'sub-1',
      occurredAt: '2026-11-26T10:00:00Z',
      dataSourceId: 'ds-1',
      dataSourceName: 'CRM',
      runId: 'run-1',
      status: 'failed',
      startedAt: '2026-11-26T09:00:00Z',
      completedAt: '2026-11-26T10:00:00Z',
      errorCode: 'AUTH',
      errorMessage: 'token expired',
    });
  });
});

describe('retrying refreshes', () => {
  it('make no candidate at all', () => {
    expect(refreshCandidates(event('retrying'))).toEqual([]);
  });
});
