import { z } from 'zod';
import { IsoDateTime, TenantId } from '../common';
import { DATASOURCE_REFRESH_COMPLETED, DataSourceRefreshCompletedEvent } from './datasource-refresh-completed';
import { MEASURE_REFRESHED, MeasureRefreshedEvent } from './measure-refreshed';
import { REFRESH_COMPLETED, RefreshCompletedEvent } from './refresh-completed';
import { SEGMENT_REFRESHED, SegmentRefreshedEvent } from './segment-refreshed';
import { UNIFICATION_COMPLETED, UnificationCompletedEvent } from './unification-completed';

export const EVENT_TYPES = [
  DATASOURCE_REFRESH_COMPLETED,
  SEGMENT_REFRESHED,
  MEASURE_REFRESHED,
  REFRESH_COMPLETED,
  UNIFICATION_COMPLETED,
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Every event a producer can send, `{id, type, occurredAt, data}`, one schema per type. */
export const EVENT_SCHEMAS = [
  DataSourceRefreshCompletedEvent,
  SegmentRefreshedEvent,
  MeasureRefreshedEvent,
  RefreshCompletedEvent,
  UnificationCompletedEvent,
] as const;

const unknownTypeMessage = (issue: { code?: string }) =>
  issue.code === 'invalid_union' ? `unknown event type; expected one of: ${EVENT_TYPES.join(', ')}` : undefined;

/** What a producer sends over HTTP. The tenant comes from the API key there, so it is not part of this shape. */
export const EventInput = z.discriminatedUnion('type', EVENT_SCHEMAS, { error: unknownTypeMessage });
export type EventInput = z.infer<typeof EventInput>;

/**
 * What any producer may publish on the Kafka ingest topic: the same event plus the tenant it
 * belongs to (there is no API key on Kafka to derive it from).
 */
const withTenant = { tenantId: TenantId };
export const IngestMessage = z.discriminatedUnion(
  'type',
  [
    DataSourceRefreshCompletedEvent.extend(withTenant),
    SegmentRefreshedEvent.extend(withTenant),
    MeasureRefreshedEvent.extend(withTenant),
    RefreshCompletedEvent.extend(withTenant),
    UnificationCompletedEvent.extend(withTenant),
  ],
  { error: unknownTypeMessage },
);
export type IngestMessage = z.infer<typeof IngestMessage>;

/** An event ingestion accepted, normalized, on the events topic. */
const acceptance = {
  tenantId: TenantId,
  receivedAt: IsoDateTime,
  source: z.enum(['http', 'kafka']),
};
export const AcceptedEvent = z.discriminatedUnion('type', [
  DataSourceRefreshCompletedEvent.extend(acceptance),
  SegmentRefreshedEvent.extend(acceptance),
  MeasureRefreshedEvent.extend(acceptance),
  RefreshCompletedEvent.extend(acceptance),
  UnificationCompletedEvent.extend(acceptance),
]);
export type AcceptedEvent = z.infer<typeof AcceptedEvent>;
export type AcceptedEventOf<T extends EventType> = Extract<AcceptedEvent, { type: T }>;

/** What an event is about: a data source, a segment, a measure, or a run (refresh, unification). */
export const EntityKind = z.enum(['dataSource', 'segment', 'measure', 'refresh', 'unification']);
export type EntityKind = z.infer<typeof EntityKind>;

/** The entity an event is about, by kind and the producer's id (a run's id for runs). */
export function eventEntity(event: EventInput): { kind: EntityKind; id: string } {
  switch (event.type) {
    case DATASOURCE_REFRESH_COMPLETED:
      return { kind: 'dataSource', id: event.data.dataSourceId };
    case SEGMENT_REFRESHED:
      return { kind: 'segment', id: event.data.segmentId };
    case MEASURE_REFRESHED:
      return { kind: 'measure', id: event.data.measureId };
    case REFRESH_COMPLETED:
      return { kind: 'refresh', id: event.data.runId };
    case UNIFICATION_COMPLETED:
      return { kind: 'unification', id: event.data.runId };
  }
}

/**
 * The entity an event is about, qualified by its kind: one entity's events share a partition
 * and so stay in order (a segment's observations must be applied in order for threshold crossing).
 */
export function eventEntityId(event: EventInput): string {
  const { kind, id } = eventEntity(event);
  return `${kind}:${id}`;
}

export function eventPartitionKey(event: AcceptedEvent): string {
  return `${event.tenantId}:${eventEntityId(event)}`;
}
