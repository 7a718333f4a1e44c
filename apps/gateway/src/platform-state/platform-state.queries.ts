import { Injectable } from '@nestjs/common';
import { FINAL_FAILURE_STATUSES } from '@tripline/contracts';
import { Prisma, PrismaService } from '@tripline/db';
import { decodeCursor, toPage } from '@tripline/service';
import { MAX_CHOICES, type Choices, type DataSourceView, type MeasureView, type RefreshRunView, type SegmentView, type StatusReport } from './platform-state.views';

export interface ListQuery {
  limit: number;
  cursor?: string;
}

/**
 * Text as a literal LIKE operand: Prisma's `contains` is an ILIKE that passes `%` and `_` through
 * as wildcards, so `q=100%` would match every name with 100 in it. Backslash is Postgres's default
 * LIKE escape character.
 */
export const likeLiteral = (text: string) => text.replace(/[\\%_]/g, '\\$&');

const contains = (text?: string) => (text ? { contains: likeLiteral(text), mode: 'insensitive' as const } : undefined);

/** The table and id column behind each picker; fixed identifiers, never from the request. */
const CHOICE_SOURCES = {
  dataSources: { table: Prisma.raw('data_source_states'), id: Prisma.raw('data_source_id') },
  segments: { table: Prisma.raw('segment_states'), id: Prisma.raw('segment_id') },
  measures: { table: Prisma.raw('measure_states'), id: Prisma.raw('measure_id') },
};
export type ChoiceKind = keyof typeof CHOICE_SOURCES;

/** Reads of the read model; every one is scoped to the caller's tenant. */
@Injectable()
export class PlatformStateQueries {
  constructor(private readonly prisma: PrismaService) {}

  async dataSources(tenantId: string, q: ListQuery & { status?: string; name?: string; q?: string }) {
    const [after] = decodeCursor(q.cursor, 1) ?? [];
    const rows = await this.prisma.dataSourceState.findMany({
      where: {
        tenantId,
        lastStatus: q.status,
        name: contains(q.name),
        ...(q.q ? { OR: [{ name: contains(q.q) }, { dataSourceId: contains(q.q) }] } : {}),
        ...(after ? { dataSourceId: { gt: after } } : {}),
      },
      orderBy: { dataSourceId: 'asc' },
      take: q.limit + 1,
    });
    return toPage(rows, q.limit, (r) => [r.dataSourceId]);
  }

  async segments(tenantId: string, q: ListQuery & { name?: string; q?: string }) {
    const [after] = decodeCursor(q.cursor, 1) ?? [];
    const rows = await this.prisma.segmentState.findMany({
      where: {
        tenantId,
        name: contains(q.name),
        ...(q.q ? { OR: [{ name: contains(q.q) }, { segmentId: contains(q.q) }] } : {}),
        ...(after ? { segmentId: { gt: after } } : {}),
      },
      orderBy: { segmentId: 'asc' },
      take: q.limit + 1,
    });
    return toPage(rows, q.limit, (r) => [r.segmentId]);
  }

  async measures(tenantId: string, q: ListQuery & { name?: string; q?: string }) {
    const [after] = decodeCursor(q.cursor, 1) ?? [];
    const rows = await this.prisma.measureState.findMany({
      where: {
        tenantId,
        name: contains(q.name),
        ...(q.q ? { OR: [{ name: contains(q.q) }, { measureId: contains(q.q) }] } : {}),
        ...(after ? { measureId: { gt: after } } : {}),
      },
      orderBy: { measureId: 'asc' },
      take: q.limit + 1,
    });
    return toPage(rows, q.limit, (r) => [r.measureId]);
  }

  /**
   * Every choice for a picker in one statement: the tenant's rows through the primary key's
   * tenant_id prefix, filtered, sorted by lower(name) then id, one row past the cap to tell
   * whether there were more.
   */
  async choices(tenantId: string, kind: ChoiceKind, q?: string): Promise<Choices> {
    const { table, id } = CHOICE_SOURCES[kind];
    const pattern = q === undefined ? null : `%${likeLiteral(q)}%`;
    const rows = await this.prisma.$queryRaw<Array<{ id: string; name: string }>>`
      SELECT ${id} AS id, name FROM ${table}
      WHERE tenant_id = ${tenantId}::uuid ${pattern === null ? Prisma.empty : Prisma.sql`AND (name ILIKE ${pattern} OR ${id} ILIKE ${pattern})`}
      ORDER BY lower(name), ${id}
      LIMIT ${MAX_CHOICES + 1}`;
    return { choices: rows.slice(0, MAX_CHOICES), truncated: rows.length > MAX_CHOICES };
  }

  /** Newest first; the cursor is (completedAt, kind, runId) of the last run shown. */
  async refreshRuns(tenantId: string, q: ListQuery & { kind?: string; status?: string; since?: string; until?: string }) {
    const cursor = decodeCursor(q.cursor, 3);
    const where: Prisma.RefreshRunWhereInput = {
      tenantId,
      kind: q.kind,
      status: q.status,
      completedAt: { gte: q.since ? new Date(q.since) : undefined, lt: q.until ? new Date(q.until) : undefined },
    };
    if (cursor) {
      const [completedAt, kind, runId] = cursor;
      const at = new Date(completedAt);
      where.OR = [{ completedAt: { lt: at } }, { completedAt: at, kind: { gt: kind } }, { completedAt: at, kind, runId: { gt: runId } }];
    }
    const rows = await this.prisma.refreshRun.findMany({
      where,
      orderBy: [{ completedAt: 'desc' }, { kind: 'asc' }, { runId: 'asc' }],
      take: q.limit + 1,
    });
    return toPage(rows, q.limit, (r) => [r.completedAt.toISOString(), r.kind, r.runId]);
  }

  async statusReport(tenantId: string): Promise<StatusReport> {
    const [sources, latestFull, latestUnification, failedRuns, segmentCount, measureCount] = await Promise.all([
      this.prisma.dataSourceState.findMany({ where: { tenantId }, orderBy: { dataSourceId: 'asc' } }),
      this.prisma.refreshRun.findFirst({ where: { tenantId, kind: 'full' }, orderBy: { completedAt: 'desc' } }),
      this.prisma.refreshRun.findFirst({ where: { tenantId, kind: 'unification' }, orderBy: { completedAt: 'desc' } }),
      this.prisma.refreshRun.findMany({ where: { tenantId, status: { not: 'succeeded' } }, orderBy: { completedAt: 'desc' }, take: 10 }),
      this.prisma.segmentState.count({ where: { tenantId } }),
      this.prisma.measureState.count({ where: { tenantId } }),
    ]);
    const byStatus: Record<string, number> = {};
    for (const s of sources) byStatus[s.lastStatus] = (byStatus[s.lastStatus] ?? 0) + 1;
    return {
      generatedAt: new Date().toISOString(),
      dataSources: {
        total: sources.length,
        byStatus,
        failing: sources.filter((s) => (FINAL_FAILURE_STATUSES as readonly string[]).includes(s.lastStatus)).map(dataSourceView),
      },
      latestFullRefresh: latestFull ? refreshRunView(latestFull) : null,
      latestUnification: latestUnification ? refreshRunView(latestUnification) : null,
      recentFailedRuns: failedRuns.map(refreshRunView),
      segmentCount,
      measureCount,
    };
  }
}

type Row<K extends 'dataSourceState' | 'segmentState' | 'measureState' | 'refreshRun'> = NonNullable<
  Awaited<ReturnType<PrismaService[K]['findFirst']>>
>;

export function dataSourceView(r: Row<'dataSourceState'>): DataSourceView {
  return {
    dataSourceId: r.dataSourceId,
    name: r.name,
    lastStatus: r.lastStatus as DataSourceView['lastStatus'],
    lastRunId: r.lastRunId,
    lastStartedAt: r.lastStartedAt.toISOString(),
    lastCompletedAt: r.lastCompletedAt.toISOString(),
    lastErrorCode: r.lastErrorCode,
    lastErrorMessage: r.lastErrorMessage,
  };
}

export function segmentView(r: Row<'segmentState'>): SegmentView {
  return { segmentId: r.segmentId, name: r.name, memberCount: Number(r.memberCount), lastRunId: r.lastRunId, observedAt: r.lastOccurredAt.toISOString() };
}

export function measureView(r: Row<'measureState'>): MeasureView {
  return { measureId: r.measureId, name: r.name, value: r.value, lastRunId: r.lastRunId, observedAt: r.lastOccurredAt.toISOString() };
}

export function refreshRunView(r: Row<'refreshRun'>): RefreshRunView {
  return {
    runId: r.runId,
    kind: r.kind as RefreshRunView['kind'],
    trigger: r.trigger as RefreshRunView['trigger'],
    status: r.status as RefreshRunView['status'],
    startedAt: r.startedAt.toISOString(),
    completedAt: r.completedAt.toISOString(),
    components: r.components as RefreshRunView['components'],
    stages: r.stages as RefreshRunView['stages'],
  };
}
