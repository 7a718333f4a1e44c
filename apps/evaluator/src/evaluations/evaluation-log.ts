import { Injectable } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import type { InTransaction } from '../thresholds/observation-store';
import type { EventEvaluation } from './event-evaluation';

/**
 * One statement per batch, whatever its size. An event evaluated again (Kafka redelivers; a
 * producer sends an id twice) keeps its first record: its facts and `evaluated_at` stay, and
 * only subscriptions this evaluation fired that no earlier one did are added (subscribed in
 * between: they did get a delivery). A plain redelivery fires the same ones, and the WHERE
 * leaves the row untouched (no write, no dead tuple).
 */
const RECORD = `
  INSERT INTO event_evaluations (tenant_id, event_id, event_type, entity_kind, entity_id, occurred_at, evaluated_at,
    trigger, status, run_trigger, scope, observation, previous_value, value, previous_at, fired)
  SELECT t.tenant_id, t.event_id, t.event_type, t.entity_kind, t.entity_id, t.occurred_at, $16::timestamptz,
    t.trigger, t.status, t.run_trigger, t.scope, t.observation, t.previous_value, t.value, t.previous_at, string_to_array(t.fired, ',')::uuid[]
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::text[], $9::text[],
    $10::text[], $11::text[], $12::float8[], $13::float8[], $14::timestamptz[], $15::text[])
    AS t(tenant_id, event_id, event_type, entity_kind, entity_id, occurred_at, trigger, status, run_trigger, scope, observation,
      previous_value, value, previous_at, fired)
  ON CONFLICT (tenant_id, event_id) DO UPDATE
    SET fired = ARRAY(SELECT DISTINCT f FROM unnest(event_evaluations.fired || EXCLUDED.fired) AS u(f) ORDER BY f)
    WHERE NOT EXCLUDED.fired <@ event_evaluations.fired`;

/**
 * Writes the record of each evaluated event (`event_evaluations`, the evaluator's table; the
 * gateway reads it to answer "why did (not) my flow fire?"). In a batch with segments or
 * measures, inside the observation transaction (`run`), so an event's record and its
 * observation commit together; otherwise on its own, beside the publish.
 */
@Injectable()
export class EvaluationLog {
  constructor(private readonly prisma: PrismaService) {}

  async record(evaluations: EventEvaluation[], evaluatedAt: Date, run?: InTransaction): Promise<void> {
    const rows = once(evaluations);
    if (rows.length === 0) return;
    const col = <T>(f: (e: EventEvaluation) => T) => rows.map(f);
    const values = [
      col((e) => e.tenantId),
      col((e) => e.eventId),
      col((e) => e.eventType),
      col((e) => e.entityKind),
      col((e) => e.entityId),
      col((e) => e.occurredAt),
      col((e) => e.trigger),
      col((e) => e.status),
      col((e) => e.runTrigger),
      col((e) => e.scope),
      col((e) => e.observation),
      col((e) => e.previousValue),
      col((e) => e.value),
      col((e) => e.previousAt),
      // A uuid[] per row does not fit unnest (it flattens arrays of arrays): ids joined, split in SQL.
      col((e) => e.fired.join(',')),
      evaluatedAt.toISOString(),
    ];
    if (run) await run(RECORD, values);
    // Straight to node-postgres, as a named prepared statement (see PrismaService): it runs for every batch.
    else await this.prisma.pool.query({ name: 'eventEvaluations.record', text: RECORD, values });
  }
}

/**
 * One row per event: Postgres refuses to upsert a row twice in one statement. The first copy's
 * facts (a copy later in the batch was judged after it: replayed or stale), every copy's firings.
 */
function once(evaluations: EventEvaluation[]): EventEvaluation[] {
  const byEvent = new Map<string, EventEvaluation>();
  for (const e of evaluations) {
    const key = `${e.tenantId}|${e.eventId}`;
    const first = byEvent.get(key);
    if (!first) byEvent.set(key, e);
    else if (e.fired.some((id) => !first.fired.includes(id))) byEvent.set(key, { ...first, fired: [...new Set([...first.fired, ...e.fired])].sort() });
  }
  return [...byEvent.values()];
}
