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

/** What an observation did: the value it replaced (null for an entity's first) and its own. */
export interface Transition {
  observation: Observation;
  previous: number | null;
  current: number;
}

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
 * first time (same ids), never new ones and never none.
 */
@Injectable()
export class ObservationStore {
  constructor(private readonly prisma: PrismaService) {}

  async observe(observations: Observation[]): Promise<Transition[]> {
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
      const transitions: Transition[] = [];
      const applied: Array<Transition & { occurredAt: string }> = [];

      for (const observation of observations) {
        const key = `${observation.tenantId}|${observation.kind}|${observation.entityId}`;
        const replay = replays.get(`${key}|${observation.eventId}`);
        if (replay) {
          transitions.push({ observation, previous: replay.previous_value, current: replay.value });
          continue;
        }
        const state = current.get(key);
        const at = utcMicros(observation.occurredAt);
        if (state && at <= state.micros) continue; // stale: an older (or equally old) observation
        const transition = { observation, previous: state?.value ?? null, current: observation.value };
        transitions.push(transition);
        applied.push({ ...transition, occurredAt: utcTimestamp(observation.occurredAt) });
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
        await tx.$executeRaw`
          INSERT INTO entity_observations (tenant_id, entity_kind, entity_id, event_id, occurred_at, value, previous_value)
          SELECT * FROM unnest(${col((t) => t.observation.tenantId)}::uuid[], ${col((t) => t.observation.kind)}::text[],
            ${col((t) => t.observation.entityId)}::text[], ${col((t) => t.observation.eventId)}::text[],
            ${col((t) => t.occurredAt)}::timestamptz[], ${col((t) => t.current)}::float8[], ${col((t) => t.previous)}::float8[])
          ON CONFLICT DO NOTHING`;
        // The newest applied observation per entity becomes its state.
        const latest = [...new Map(applied.map((t) => [`${t.observation.tenantId}|${t.observation.kind}|${t.observation.entityId}`, t])).values()];
        const last = <T>(f: (t: (typeof latest)[number]) => T) => latest.map(f);
        await tx.$executeRaw`
          INSERT INTO entity_states (tenant_id, entity_kind, entity_id, last_event_id, last_occurred_at, last_value)
          SELECT * FROM unnest(${last((t) => t.observation.tenantId)}::uuid[], ${last((t) => t.observation.kind)}::text[],
            ${last((t) => t.observation.entityId)}::text[], ${last((t) => t.observation.eventId)}::text[],
            ${last((t) => t.occurredAt)}::timestamptz[], ${last((t) => t.current)}::float8[])
          ON CONFLICT (tenant_id, entity_kind, entity_id) DO UPDATE
            SET last_event_id = EXCLUDED.last_event_id, last_occurred_at = EXCLUDED.last_occurred_at, last_value = EXCLUDED.last_value
            WHERE entity_states.last_occurred_at < EXCLUDED.last_occurred_at`;
      }
      return transitions;
    });
  }
}
