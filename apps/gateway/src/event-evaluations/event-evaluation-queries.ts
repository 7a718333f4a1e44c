import { Injectable } from '@nestjs/common';
import { TRIGGER_CATALOGUE, type EntityKind, type EventType, type SubscriptionStatus, type TriggerName } from '@tripline/contracts';
import { PrismaService } from '@tripline/db';
import { decodeCursor, toPage } from '@tripline/service';
import type { EvaluatedEventsQuery } from './event-evaluation.dtos';
import type { EarlierReport, EvaluationRecord, SubscriptionRecord } from './subscription-verdicts';

/** The most subscriptions one answer explains (a tenant has at most REGISTRY_MAX_SUBSCRIPTIONS_PER_TENANT, 1000 by default, not deleted). */
export const MAX_EXPLAINED = 1000;
/** A subscription deleted longer than this before the event is history, not a reason: left out. */
export const DELETED_LOOKBACK_DAYS = 30;

/** An instant as ISO 8601 in UTC, with the microseconds Postgres keeps (dropped when zero). */
const UTC = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const trimmed = (iso: string | null) => iso?.replace(/(\.\d{3})000Z$/, '$1Z') ?? null;

interface EvaluationRow {
  event_id: string;
  event_type: EventType;
  entity_kind: EntityKind;
  entity_id: string;
  occurred_at: string;
  evaluated_at: Date;
  trigger: TriggerName | null;
  status: string | null;
  run_trigger: string | null;
  scope: string | null;
  observation: EvaluationRecord['observation'];
  previous_value: number | null;
  value: number | null;
  previous_at: string | null;
  fired: string[];
}

const EVALUATION_COLUMNS = `event_id, event_type, entity_kind, entity_id, ${UTC('occurred_at')} AS occurred_at, evaluated_at, trigger, status, run_trigger,
  scope, observation, previous_value, value, ${UTC('previous_at')} AS previous_at, fired`;

const recordOf = (tenantId: string, r: EvaluationRow): EvaluationRecord => ({
  tenantId,
  eventId: r.event_id,
  type: r.event_type,
  entity: { kind: r.entity_kind, id: r.entity_id },
  occurredAt: trimmed(r.occurred_at)!,
  evaluatedAt: r.evaluated_at,
  trigger: r.trigger,
  status: r.status,
  runTrigger: r.run_trigger,
  scope: r.scope,
  observation: r.observation,
  previous: r.previous_value,
  value: r.value,
  previousAt: trimmed(r.previous_at),
  fired: r.fired,
});

/**
 * What "why did (not) my flow fire?" reads, every query scoped to the caller's tenant. Two of
 * the tables are not the gateway's, and are only read here (docs/architecture.md): the
 * evaluator's `event_evaluations` (one row per evaluated event) and the registry's
 * `subscriptions` (the source of truth, deleted ones included, with when each last changed).
 * Asking their owners instead would not do: the evaluator answers no requests, and the
 * registry's list leaves deleted subscriptions out.
 */
@Injectable()
export class EventEvaluationQueries {
  constructor(private readonly prisma: PrismaService) {}

  async evaluation(tenantId: string, eventId: string): Promise<EvaluationRecord | null> {
    const { rows } = await this.prisma.pool.query<EvaluationRow>(
      `SELECT ${EVALUATION_COLUMNS} FROM event_evaluations WHERE tenant_id = $1 AND event_id = $2`,
      [tenantId, eventId],
    );
    return rows[0] ? recordOf(tenantId, rows[0]) : null;
  }

  /** The other reports of the run the event reported, evaluated before it (the same instant: the earlier occurrence, then the id). */
  async earlierReports(event: EvaluationRecord): Promise<EarlierReport[]> {
    const { rows } = await this.prisma.pool.query<{ event_id: string; evaluated_at: Date; fired: string[] }>(
      `SELECT e.event_id, e.evaluated_at, e.fired FROM event_evaluations e, event_evaluations me
       WHERE me.tenant_id = $1 AND me.event_id = $2
         AND e.tenant_id = $1 AND e.entity_id = $3 AND e.entity_kind = $4 AND e.event_id <> $2
         AND (e.evaluated_at, e.occurred_at, e.event_id) < (me.evaluated_at, me.occurred_at, me.event_id)
       ORDER BY e.evaluated_at, e.occurred_at, e.event_id LIMIT 100`,
      [event.tenantId, event.eventId, event.entity.id, event.entity.kind],
    );
    return rows.map((r) => ({ eventId: r.event_id, evaluatedAt: r.evaluated_at, fired: new Set(r.fired) }));
  }

  /**
   * The tenant's subscriptions to the triggers this event's type can fire, at most MAX_EXPLAINED
   * (+1, to tell a cut list): those it fired first, then the others, deleted ones last (those
   * deleted after the event, or in the DELETED_LOOKBACK_DAYS before it).
   */
  async subscriptions(event: EvaluationRecord): Promise<SubscriptionRecord[]> {
    const triggers = TRIGGER_CATALOGUE.filter((t) => t.firedBy === event.type).map((t) => t.name);
    const { rows } = await this.prisma.pool.query<{
      id: string;
      trigger: TriggerName;
      params: Record<string, unknown>;
      status: SubscriptionStatus;
      disabled_reason: string | null;
      disabled_at: string | null;
      created_at: Date;
      updated_at: Date;
    }>(
      `SELECT id, trigger, params, status, disabled_reason, disabled_notice->>'disabledAt' AS disabled_at, created_at, updated_at
       FROM subscriptions
       WHERE tenant_id = $1 AND trigger = ANY($2::text[])
         AND (status <> 'deleted' OR id = ANY($3::uuid[]) OR updated_at >= $4::timestamptz - make_interval(days => $5))
       ORDER BY id = ANY($3::uuid[]) DESC, status = 'deleted', created_at, id
       LIMIT $6`,
      [event.tenantId, triggers, event.fired, event.evaluatedAt, DELETED_LOOKBACK_DAYS, MAX_EXPLAINED + 1],
    );
    return rows.map((r) => ({
      id: r.id,
      trigger: r.trigger,
      params: r.params,
      status: r.status,
      disabledReason: r.disabled_reason,
      disabledAt: r.disabled_at && !Number.isNaN(Date.parse(r.disabled_at)) ? new Date(r.disabled_at) : null,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  /** The tenant's evaluated events, newest evaluation first, by entity and type; keyset paging on (evaluated_at, event_id). */
  async page(tenantId: string, query: EvaluatedEventsQuery) {
    const after = decodeCursor(query.cursor, 2, ([at]) => !Number.isNaN(Date.parse(at)));
    const { rows } = await this.prisma.pool.query<EvaluationRow>(
      `SELECT ${EVALUATION_COLUMNS} FROM event_evaluations
       WHERE tenant_id = $1
         AND ($2::text IS NULL OR entity_id = $2)
         AND ($3::text IS NULL OR event_type = $3)
         AND ($4::timestamptz IS NULL OR (evaluated_at, event_id) < ($4::timestamptz, $5::text))
       ORDER BY evaluated_at DESC, event_id DESC
       LIMIT $6`,
      [tenantId, query.entityId ?? null, query.type ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
    );
    return toPage(
      rows.map((r) => recordOf(tenantId, r)),
      query.limit,
      (r) => [r.evaluatedAt.toISOString(), r.eventId],
    );
  }
}
