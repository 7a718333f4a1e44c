import { callbackBody, type DeliveryOutcome, type DeliveryRequest, type EventInput, type SubscriptionDisabled } from '@tripline/contracts';
import { randomUUID } from 'node:crypto';

type EventOf<T extends EventInput['type']> = Extract<EventInput, { type: T }>;
type RefreshData = EventOf<'datasource.refresh.completed'>['data'];

const newId = () => `evt-${randomUUID()}`;

/** A data source refresh event as a producer would send it; every call has a new id. */
export function refreshEvent(data: Partial<RefreshData> = {}, id = newId()): EventOf<'datasource.refresh.completed'> {
  return {
    id,
    type: 'datasource.refresh.completed',
    occurredAt: '2026-11-26T10:00:00.000Z',
    data: {
      dataSourceId: 'ds-crm',
      dataSourceName: 'CRM contacts',
      runId: `run-${id}`,
      status: 'failed',
      startedAt: '2026-11-26T09:55:00.000Z',
      completedAt: '2026-11-26T10:00:00.000Z',
      ...(data.status === undefined || data.status === 'failed' ? { error: { code: 'SOURCE_AUTH', message: 'credentials expired' } } : {}),
      ...data,
    },
  };
}

/** A segment recalculation observed at `occurredAt` (minute offsets keep a sequence ordered). */
export function segmentEvent(segmentId: string, memberCount: number, minute: number, id = newId()): EventOf<'segment.refreshed'> {
  return {
    id,
    type: 'segment.refreshed',
    occurredAt: at(minute),
    data: { segmentId, segmentName: `Segment ${segmentId}`, memberCount, runId: `run-${id}` },
  };
}

export function measureEvent(measureId: string, value: number, minute: number, id = newId()): EventOf<'measure.refreshed'> {
  return {
    id,
    type: 'measure.refreshed',
    occurredAt: at(minute),
    data: { measureId, measureName: `Measure ${measureId}`, value },
  };
}

export function fullRefreshEvent(
  data: Partial<EventOf<'refresh.completed'>['data']> = {},
  id = newId(),
): EventOf<'refresh.completed'> {
  return {
    id,
    type: 'refresh.completed',
    occurredAt: '2026-11-26T03:00:00.000Z',
    data: {
      runId: `run-${id}`,
      scope: 'full',
      trigger: 'scheduled',
      status: 'partially_succeeded',
      startedAt: '2026-11-26T02:00:00.000Z',
      completedAt: '2026-11-26T03:00:00.000Z',
      components: [
        { kind: 'dataSource', id: 'ds-crm', name: 'CRM contacts', status: 'succeeded' },
        { kind: 'unification', id: 'uni-1', name: 'Unification', status: 'succeeded' },
        { kind: 'segment', id: 'seg-vip', name: 'VIP', status: 'failed' },
        { kind: 'measure', id: 'm-ltv', name: 'Lifetime value', status: 'succeeded' },
      ],
      ...data,
    },
  };
}

export function unificationEvent(
  data: Partial<EventOf<'unification.completed'>['data']> = {},
  id = newId(),
): EventOf<'unification.completed'> {
  return {
    id,
    type: 'unification.completed',
    occurredAt: '2026-11-26T04:00:00.000Z',
    data: {
      runId: `run-${id}`,
      status: 'succeeded',
      startedAt: '2026-11-26T03:30:00.000Z',
      completedAt: '2026-11-26T04:00:00.000Z',
      stages: { map: { status: 'succeeded' }, match: { status: 'succeeded' }, merge: { status: 'succeeded' } },
      ...data,
    },
  };
}

function at(minute: number): string {
  return new Date(Date.UTC(2026, 10, 26, 8, 0, 0) + minute * 60_000).toISOString();
}

/** A delivery request as the evaluator publishes it: a failed refresh, to one subscription. */
export function deliveryRequestFixture(tenantId: string, subscriptionId: string): DeliveryRequest {
  const eventId = newId();
  return {
    deliveryId: randomUUID(),
    tenantId,
    subscriptionId,
    trigger: 'data-source-refresh-failed',
    eventId,
    body: callbackBody({
      eventId,
      trigger: 'data-source-refresh-failed',
      tenantId,
      subscriptionId,
      occurredAt: '2026-11-26T10:00:00.000Z',
      dataSourceId: 'ds-1',
      dataSourceName: 'CRM',
      runId: 'run-1',
      status: 'failed',
      startedAt: '2026-11-26T09:00:00.000Z',
      completedAt: '2026-11-26T10:00:00.000Z',
      errorCode: 'E',
      errorMessage: 'boom',
    }),
    requestedAt: new Date().toISOString(),
  };
}

/** A delivery's outcome as the dispatcher publishes it: a callback answered 410 after `attempts`. */
export function goneOutcome(tenantId: string, subscriptionId: string, attempts: number): DeliveryOutcome {
  return {
    deliveryId: randomUUID(),
    tenantId,
    subscriptionId,
    result: 'gone',
    attempts,
    lastStatusCode: 410,
    lastError: null,
    endpointDisabledReason: null,
    endpointFailingSince: null,
    completedAt: new Date().toISOString(),
  };
}

/** A notice as the registry publishes it when a flow's callback answered 410. */
export function disabledNotice(tenantId: string, overrides: Partial<SubscriptionDisabled> = {}): SubscriptionDisabled {
  return {
    kind: 'subscription.disabled',
    noticeId: randomUUID(),
    tenantId,
    subscriptionId: randomUUID(),
    trigger: 'data-source-refresh-failed',
    operationsWebhook: false,
    callbackUrl: 'https://flows.example.test/hook?sig=REDACTED',
    reason: 'gone',
    reasonText: 'callback answered 410: the flow no longer exists',
    lastStatusCode: 410,
    lastError: null,
    failingSince: null,
    deliveryId: randomUUID(),
    disabledAt: '2026-12-01T10:00:00.000Z',
    ...overrides,
  };
}
