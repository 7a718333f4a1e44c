import { Injectable } from '@nestjs/common';
import { newestPerSubscription, subscriptionEntityId, type Subscription, type TriggerName } from '@tripline/contracts';
import { PrismaService, writeNewerVersions } from '@tripline/db';

export interface MatchableSubscription {
  id: string;
  tenantId: string;
  trigger: TriggerName;
  entityId: string | null;
  params: Record<string, unknown>;
}

export interface MatchKey {
  tenantId: string;
  trigger: TriggerName;
  /** null: only subscriptions not narrowed to an entity can match. */
  entityId: string | null;
}

/**
 * The evaluator's own copy of the active subscriptions, indexed by (tenant, trigger, entity), so
 * matching an event reads only the subscriptions that can match it. No callback URL: the
 * evaluator decides what fires, the dispatcher alone knows where to.
 */
@Injectable()
export class TriggerSubscriptionIndex {
  constructor(private readonly prisma: PrismaService) {}

  /** Applies subscriptions' states unless a newer version is already applied: one statement per batch. */
  async apply(subscriptions: Subscription[]): Promise<void> {
    const latest = newestPerSubscription(subscriptions);
    if (latest.length === 0) return;
    const col = <T>(f: (s: Subscription) => T) => latest.map(f);
    await writeNewerVersions(this.prisma.pool, {
      table: 'trigger_subscriptions',
      key: 'id',
      columns: {
        id: { type: 'uuid', values: col((s) => s.id) },
        tenant_id: { type: 'uuid', values: col((s) => s.tenantId) },
        trigger: { type: 'text', values: col((s) => s.trigger) },
        entity_id: { type: 'text', values: col((s) => subscriptionEntityId(s.trigger, s.params)) },
        params: { type: 'jsonb', values: col((s) => JSON.stringify(s.params)) },
        active: { type: 'boolean', values: col((s) => s.status === 'active') },
        version: { type: 'int', values: col((s) => s.version) },
      },
      // What identifies a subscription (tenant, trigger, parameters) never changes: its id is derived from them.
      overwrite: ['active'],
    });
  }

  /**
   * One query for a whole batch of events: every active subscription any of them can fire.
   * Straight to node-postgres (see PrismaService): it runs for every batch of events.
   */
  async matching(keys: MatchKey[]): Promise<MatchableSubscription[]> {
    if (keys.length === 0) return [];
    const unique = [...new Map(keys.map((k) => [`${k.tenantId}|${k.trigger}|${k.entityId}`, k])).values()];
    const { rows } = await this.prisma.pool.query<{
      id: string;
      tenant_id: string;
      trigger: TriggerName;
      entity_id: string | null;
      params: Record<string, unknown>;
    }>({
      name: 'triggerSubscriptions.matching',
      // Two equality lookups on the (tenant, trigger, entity) index per key: the subscriptions to
      // its entity, and those not narrowed to one. (A key without an entity: only the latter,
      // since entity_id = NULL is never true.)
      text: `
        SELECT DISTINCT ON (s.id) s.id, s.tenant_id, s.trigger, s.entity_id, s.params
        FROM unnest($1::uuid[], $2::text[], $3::text[]) AS k(tenant_id, trigger, entity_id)
        CROSS JOIN LATERAL (
          SELECT * FROM trigger_subscriptions t WHERE t.tenant_id = k.tenant_id AND t.trigger = k.trigger AND t.entity_id = k.entity_id AND t.active
          UNION ALL
          SELECT * FROM trigger_subscriptions t WHERE t.tenant_id = k.tenant_id AND t.trigger = k.trigger AND t.entity_id IS NULL AND t.active
        ) s`,
      values: [unique.map((k) => k.tenantId), unique.map((k) => k.trigger), unique.map((k) => k.entityId)],
    });
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, trigger: r.trigger, entityId: r.entity_id, params: r.params }));
  }
}
