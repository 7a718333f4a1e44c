import { Injectable } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import type { RecentValue } from './recent-values.dtos';

export type ValuedEntity = 'segment' | 'measure';

/**
 * A segment's or a measure's recent values, read from the evaluator's `event_evaluations`
 * (read-only, as the evaluation API reads it: docs/architecture.md). Each row of a segment or
 * measure event carries the value it reported and whether it was applied; only the applied ones
 * (`first`, `applied`) are the entity's history: a stale or same-instant observation never
 * became its value. The entity index (tenant_id, entity_id, evaluated_at DESC, ...) finds the
 * newest first and stops at the limit; applied observations are newer than every one applied
 * before them, so evaluation order is observation order, and within one batch (one
 * `evaluated_at`) `occurred_at` orders them.
 */
@Injectable()
export class RecentValuesQueries {
  constructor(private readonly prisma: PrismaService) {}

  /** Oldest to newest, at most `limit`, of the caller's tenant only. */
  async recent(tenantId: string, kind: ValuedEntity, entityId: string, limit: number): Promise<RecentValue[]> {
    const { rows } = await this.prisma.pool.query<{ event_id: string; at: string; value: number }>(
      `SELECT event_id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, value
       FROM event_evaluations
       WHERE tenant_id = $1 AND entity_id = $2 AND entity_kind = $3 AND observation IN ('first', 'applied') AND value IS NOT NULL
       ORDER BY evaluated_at DESC, occurred_at DESC
       LIMIT $4`,
      [tenantId, entityId, kind, limit],
    );
    return rows.reverse().map((r) => ({ at: r.at.replace(/(\.\d{3})000Z$/, '$1Z'), value: r.value, eventId: r.event_id }));
  }
}
