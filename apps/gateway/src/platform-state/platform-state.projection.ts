import { Controller } from '@nestjs/common';
import type { AcceptedEvent, AcceptedEventOf } from '@tripline/contracts';
import { PrismaService, utcMicros, utcTimestamp } from '@tripline/db';
import { OnTopic, type Inbound } from '@tripline/kafka';

/** The newest event per key: one row per key per statement (Postgres refuses to upsert a row twice). */
function newestBy<T extends AcceptedEvent>(events: T[], key: (e: T) => string): T[] {
  const newest = new Map<string, T>();
  for (const e of events) {
    const seen = newest.get(key(e));
    if (!seen || utcMicros(seen.occurredAt) <= utcMicros(e.occurredAt)) newest.set(key(e), e);
  }
  return [...newest.values()];
}

/**
 * The data platform as Tripline has seen it, for the actions: the last refresh of each data
 * source, each segment's member count, each measure's value, and the run history. Built from
 * the events topic (its own consumer group); an older event never overwrites a newer one.
 */
@Controller()
export class PlatformStateProjection {
  constructor(
    private readonly prisma: PrismaService,
  ) {}

  // Off the callbacks' path: a read model a tenth of a second behind costs no one, fuller batches save the CPU they share.
  @OnTopic('events', { group: 'read-model', lingerMs: 100 })
  async handle(batch: Array<Inbound<'events'>>): Promise<void> {
    const events = batch.map((m) => m.value);
    const of = <T extends AcceptedEvent['type']>(type: T) => events.filter((e): e is AcceptedEventOf<T> => e.type === type);
    await Promise.all([
      this.dataSources(newestBy(of('datasource.refresh.completed'), (e) => `${e.tenantId}|${e.data.dataSourceId}`)),
      this.segments(newestBy(of('segment.refreshed'), (e) => `${e.tenantId}|${e.data.segmentId}`)),
      this.measures(newestBy(of('measure.refreshed'), (e) => `${e.tenantId}|${e.data.measureId}`)),
      this.runs([
        ...of('refresh.completed').map((e) => ({ e, kind: e.data.scope, trigger: e.data.trigger as string | null, components: e.data.components, stages: null as unknown })),
        ...of('unification.completed').map((e) => ({ e, kind: 'unification', trigger: null, components: [], stages: e.data.stages as unknown })),
      ]),
    ]);
  }

  private async dataSources(events: Array<AcceptedEventOf<'datasource.refresh.completed'>>): Promise<void> {
    if (events.length === 0) return;
    const col = <T>(f: (e: (typeof events)[number]) => T) => events.map(f);
    await this.prisma.$executeRaw`
      INSERT INTO data_source_states (tenant_id, data_source_id, name, last_status, last_run_id, last_started_at, last_completed_at,
                                      last_error_code, last_error_message, last_event_id, last_occurred_at)
      SELECT * FROM unnest(${col((e) => e.tenantId)}::uuid[], ${col((e) => e.data.dataSourceId)}::text[], ${col((e) => e.data.dataSourceName)}::text[],
        ${col((e) => e.data.status)}::text[], ${col((e) => e.data.runId)}::text[], ${col((e) => utcTimestamp(e.data.startedAt))}::timestamptz[],
        ${col((e) => utcTimestamp(e.data.completedAt))}::timestamptz[], ${col((e) => e.data.error?.code ?? null)}::text[],
        ${col((e) => e.data.error?.message ?? null)}::text[], ${col((e) => e.id)}::text[], ${col((e) => utcTimestamp(e.occurredAt))}::timestamptz[])
      ON CONFLICT (tenant_id, data_source_id) DO UPDATE SET
        name = EXCLUDED.name, last_status = EXCLUDED.last_status, last_run_id = EXCLUDED.last_run_id,
        last_started_at = EXCLUDED.last_started_at, last_completed_at = EXCLUDED.last_completed_at,
        last_error_code = EXCLUDED.last_error_code, last_error_message = EXCLUDED.last_error_message,
        last_event_id = EXCLUDED.last_event_id, last_occurred_at = EXCLUDED.last_occurred_at
      WHERE data_source_states.last_occurred_at < EXCLUDED.last_occurred_at`;
  }

  private async segments(events: Array<AcceptedEventOf<'segment.refreshed'>>): Promise<void> {
    if (events.length === 0) return;
    const col = <T>(f: (e: (typeof events)[number]) => T) => events.map(f);
    await this.prisma.$executeRaw`
      INSERT INTO segment_states (tenant_id, segment_id, name, member_count, last_run_id, last_event_id, last_occurred_at)
      SELECT * FROM unnest(${col((e) => e.tenantId)}::uuid[], ${col((e) => e.data.segmentId)}::text[], ${col((e) => e.data.segmentName)}::text[],
        ${col((e) => e.data.memberCount)}::bigint[], ${col((e) => e.data.runId ?? null)}::text[], ${col((e) => e.id)}::text[], ${col((e) => utcTimestamp(e.occurredAt))}::timestamptz[])
      ON CONFLICT (tenant_id, segment_id) DO UPDATE SET
        name = EXCLUDED.name, member_count = EXCLUDED.member_count, last_run_id = EXCLUDED.last_run_id,
        last_event_id = EXCLUDED.last_event_id, last_occurred_at = EXCLUDED.last_occurred_at
      WHERE segment_states.last_occurred_at < EXCLUDED.last_occurred_at`;
  }

  private async measures(events: Array<AcceptedEventOf<'measure.refreshed'>>): Promise<void> {
    if (events.length === 0) return;
    const col = <T>(f: (e: (typeof events)[number]) => T) => events.map(f);
    await this.prisma.$executeRaw`
      INSERT INTO measure_states (tenant_id, measure_id, name, value, last_run_id, last_event_id, last_occurred_at)
      SELECT * FROM unnest(${col((e) => e.tenantId)}::uuid[], ${col((e) => e.data.measureId)}::text[], ${col((e) => e.data.measureName)}::text[],
        ${col((e) => e.data.value)}::float8[], ${col((e) => e.data.runId ?? null)}::text[], ${col((e) => e.id)}::text[], ${col((e) => utcTimestamp(e.occurredAt))}::timestamptz[])
      ON CONFLICT (tenant_id, measure_id) DO UPDATE SET
        name = EXCLUDED.name, value = EXCLUDED.value, last_run_id = EXCLUDED.last_run_id,
        last_event_id = EXCLUDED.last_event_id, last_occurred_at = EXCLUDED.last_occurred_at
      WHERE measure_states.last_occurred_at < EXCLUDED.last_occurred_at`;
  }

  private async runs(runs: Array<{ e: AcceptedEventOf<'refresh.completed' | 'unification.completed'>; kind: string; trigger: string | null; components: unknown; stages: unknown }>) {
    const unique = [...new Map(runs.map((r) => [`${r.e.tenantId}|${r.kind}|${r.e.data.runId}`, r])).values()];
    if (unique.length === 0) return;
    const col = <T>(f: (r: (typeof unique)[number]) => T) => unique.map(f);
    await this.prisma.$executeRaw`
      INSERT INTO refresh_runs (tenant_id, kind, run_id, trigger, status, started_at, completed_at, components, stages, event_id)
      SELECT * FROM unnest(${col((r) => r.e.tenantId)}::uuid[], ${col((r) => r.kind)}::text[], ${col((r) => r.e.data.runId)}::text[],
        ${col((r) => r.trigger)}::text[], ${col((r) => r.e.data.status)}::text[], ${col((r) => utcTimestamp(r.e.data.startedAt))}::timestamptz[],
        ${col((r) => utcTimestamp(r.e.data.completedAt))}::timestamptz[], ${col((r) => JSON.stringify(r.components))}::jsonb[],
        ${col((r) => (r.stages === null ? null : JSON.stringify(r.stages)))}::jsonb[], ${col((r) => r.e.id)}::text[])
      ON CONFLICT (tenant_id, kind, run_id) DO UPDATE SET
        trigger = EXCLUDED.trigger, status = EXCLUDED.status, started_at = EXCLUDED.started_at, completed_at = EXCLUDED.completed_at,
        components = EXCLUDED.components, stages = EXCLUDED.stages, event_id = EXCLUDED.event_id`;
  }
}
