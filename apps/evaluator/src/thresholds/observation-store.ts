import { Injectable } from '@nestjs/common';
import { PrismaService, utcMicros, utcTimestamp } from '@tripline/db';

export type EntityKind = 'segment' | 'measure';

export interface Observation {
  tenantId: string;
  kind: EntityKind;
  entityId: string;
  eventId: string;
  occurredAt: string;
  value: number;
}

/** An observation applied now, or replayed: the value it replaced (null for an entity's first) and its own. */
export interface Transition {
  observation: Observation;
  previous: number | null;
  current: number;
}

/**
 * What an observation did, for the threshold rule and for the record of its evaluation:
 * - applied: newer than the last applied (or the entity's first); `previousMicros` is when the
 *   value it replaced was observed;
 * - replayed: its event was applied before (a redelivery, a copy): the transition it made then;
 * - stale: older than the last applied; same-instant: as old as it (another event observed the
 *   entity at that very instant). Neither is applied: `last` is the value that stays, observed
 *   at `lastMicros`.
 */
export type ObservationOutcome =
  | (Transition & { kind: 'applied'; previousMicros: bigint | null })
  | (Transition & { kind: 'replayed' })
  | { kind: 'stale' | 'same-instant'; observation: Observation; last: number; lastMicros: bigint };

/** Runs one more statement in the observation transaction ($1... placeholders); resolves to the rows it changed. */
export type InTransaction = (text: string, values: unknown[]) => Promise<number>;

interface StateRow {
  tenant_id: string;
  entity_kind: string;
  entity_id: string;
  last_micros: bigint | string;
  last_value: number;
}

interface ObservationRow {
  tenant_id: string;
  entity_kind: string;
  entity_id: string;
  event_id: string;
  value: number;
  previous_value: number | null;
}

const entityKey = (o: { tenant_id: string; entity_kind: string; entity_id: string }) => `${o.tenant_id}|${o.entity_kind}|${o.entity_id}`;

/**
 * The durable memory threshold crossing needs. For a batch of observations, in one
 * transaction: lock the entities' states, and for each observation in order,
 *   - seen before (a redelivery, a duplicate): replay the transition it caused then;
 *   - older than or as old as the last applied: stale, no transition;
 *   - newer: apply it, record it with the value it replaced.
 * The row locks make two evaluator instances on one entity (during a rebalance) take turns;
 * the recorded transitions make a redelivered batch emit exactly the deliveries it emitted the
 * first time (same ids), never new ones and never none. `alongside` gets every outcome before
 * the transaction commits, and may write what they decided in it (the evaluator records each
 * event's evaluation so), so the record and the observations commit together or not at all.
 */
@Injectable()
export class ObservationStore {
  constructor(private readonly prisma: PrismaService) {}

  async observe(
    observations: Observation[],
    alongside: (outcomes: ObservationOutcome[], run: InTransaction) => Promise<void> = async () => undefined,
  ): Promise<ObservationOutcome[]> {
    if (observations.length === 0) return [];
    return this.prisma.$transaction(async (tx) => {
      const tenants = observations.map((o) => o.tenantId);
      const kinds = observations.map((o) => o.kind);
      const entities = observations.map((o) => o.entityId);
      const eventIds = observations.map((o) => o.eventId);

      const states = await tx.$queryRaw<StateRow[]>`
        SELECT s.tenant_id, s.entity_kind, s.entity_id, s.last_value,
               (extract(epoch FROM s.last_occurred_at) * 1000000)::bigint AS last_micros
        FROM entity_states s
        JOIN unnest(${tenants}::uuid[], ${kinds}::text[], ${entities}::text[]) AS k(tenant_id, entity_kind, entity_id)
          ON s.tenant_id = k.tenant_id AND s.entity_kind = k.entity_kind AND s.entity_id = k.entity_id
        ORDER BY s.tenant_id, s.entity_kind, s.entity_id
        FOR UPDATE OF s`;
      const seen = await tx.$queryRaw<ObservationRow[]>`
        SELECT o.tenant_id, o.entity_kind, o.entity_id, o.event_id, o.value, o.previous_value FROM entity_observations o
        JOIN unnest(${tenants}::uuid[], ${kinds}::text[], ${entities}::text[], ${eventIds}::text[]) AS k(tenant_id, entity_kind, entity_id, event_id)
          ON o.tenant_id = k.tenant_id AND o.entity_kind = k.entity_kind AND o.entity_id = k.entity_id AND o.event_id = k.event_id`;

      const current = new Map(states.map((s) => [entityKey(s), { micros: BigInt(s.last_micros), value: s.last_value }]));
      const replays = new Map(seen.map((o) => [`${entityKey(o)}|${o.event_id}`, o]));
      const outcomes: ObservationOutcome[] = [];
      const applied: Array<Transition & { occurredAt: string }> = [];

      for (const observation of observations) {
        const key = `${observation.tenantId}|${observation.kind}|${observation.entityId}`;
        const replay = replays.get(`${key}|${observation.eventId}`);
        if (replay) {
          outcomes.push({ kind: 'replayed', observation, previous: replay.previous_value, current: replay.value });
          continue;
        }
        const state = current.get(key);
        const at = utcMicros(observation.occurredAt);
        if (state && at <= state.micros) {
          // An older (or equally old) observation: not applied, whatever its value.
          outcomes.push({ kind: at < state.micros ? 'stale' : 'same-instant', observation, last: state.value, lastMicros: state.micros });
          continue;
        }
        const transition = { observation, previous: state?.value ?? null, current: observation.value };
        // Properties after a leading spread are slow on Node.js 20 (see firingPayload).
        outcomes.push({ kind: 'applied', ...transition, previousMicros: state?.micros ?? null });
        applied.push(Object.assign({}, transition, { occurredAt: utcTimestamp(observation.occurredAt) }));
        replays.set(`${key}|${observation.eventId}`, {
          tenant_id: observation.tenantId,
          entity_kind: observation.kind,
          entity_id: observation.entityId,
          event_id: observation.eventId,
          value: observation.value,
          previous_value: transition.previous,
        });
        current.set(key, { micros: at, value: observation.value });
      }

      if (applied.length > 0) {
        const col = <T>(f: (t: (typeof applied)[number]) => T) => applied.map(f);
        // The newest applied observation per entity becomes its state.
        const latest = [...new Map(applied.map((t) => [`${t.observation.tenantId}|${t.observation.kind}|${t.observation.entityId}`, t])).values()];
        const last = <T>(f: (t: (typeof latest)[number]) => T) => latest.map(f);
        // One statement for both writes: a round trip less in the transaction every batch of observations holds.
        await tx.$executeRaw`
          WITH recorded AS (
            INSERT INTO entity_observations (tenant_id, entity_kind, entity_id, event_id, occurred_at, value, previous_value)
            SELECT * FROM unnest(${col((t) => t.observation.tenantId)}::uuid[], ${col((t) => t.observation.kind)}::text[],
              ${col((t) => t.observation.entityId)}::text[], ${col((t) => t.observation.eventId)}::text[],
              ${col((t) => t.occurredAt)}::timestamptz[], ${col((t) => t.current)}::float8[], ${col((t) => t.previous)}::float8[])
            ON CONFLICT DO NOTHING
          )
          INSERT INTO entity_states (tenant_id, entity_kind, entity_id, last_event_id, last_occurred_at, last_value)
          SELECT * FROM unnest(${last((t) => t.observation.tenantId)}::uuid[], ${last((t) => t.observation.kind)}::text[],
            ${last((t) => t.observation.entityId)}::text[], ${last((t) => t.observation.eventId)}::text[],
            ${last((t) => t.occurredAt)}::timestamptz[], ${last((t) => t.current)}::float8[])
          ON CONFLICT (tenant_id, entity_kind, entity_id) DO UPDATE
            SET last_event_id = EXCLUDED.last_event_id, last_occurred_at = EXCLUDED.last_occurred_at, last_value = EXCLUDED.last_value
            WHERE entity_states.last_occurred_at < EXCLUDED.last_occurred_at`;
      }
      await alongside(outcomes, (text, values) => tx.$executeRawUnsafe(text, ...values));
      return outcomes;
    });
  }
}
