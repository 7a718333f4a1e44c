import { Injectable } from '@nestjs/common';
import { newestPerSubscription, subscriptionEntityId, type Subscription, type TriggerName } from '@tripline/contracts';
import { PrismaService } from '@tripline/db';

export interface MatchableSubscription {
  id: string;
  tenantId: string;
  trigger: TriggerName;
  entityId: string | null;
  callbackUrl: string;
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
 * matching an event reads only the subscriptions that can match it.
 */
@Injectable()
export class TriggerSubscriptionIndex {
  constructor(private readonly prisma: PrismaService) {}

  /** Applies subscriptions' states unless a newer version is already applied: one statement per batch. */
  async apply(subscriptions: Subscription[]): Promise<void> {
    const latest = newestPerSubscription(subscriptions);
    if (latest.length === 0) return;
    const col = <T>(f: (s: Subscription) => T) => latest.map(f);
    await this.prisma.$executeRaw`
      INSERT INTO trigger_subscriptions (id, tenant_id, trigger, entity_id, callback_url, params, active, version)
      SELECT * FROM unnest(${col((s) => s.id)}::uuid[], ${col((s) => s.tenantId)}::uuid[], ${col((s) => s.trigger)}::text[],
        ${col((s) => subscriptionEntityId(s.trigger, s.params))}::text[], ${col((s) => s.callbackUrl)}::text[],
        ${col((s) => JSON.stringify(s.params))}::jsonb[], ${col((s) => s.status === 'active')}::boolean[], ${col((s) => s.version)}::int[])
      ON CONFLICT (id) DO UPDATE
        SET active = EXCLUDED.active, callback_url = EXCLUDED.callback_url, version = EXCLUDED.version
        WHERE trigger_subscriptions.version < EXCLUDED.version`;
  }

  /** One query for a whole batch of events: every active subscription any of them can fire. */
  async matching(keys: MatchKey[]): Promise<MatchableSubscription[]> {
    if (keys.length === 0) return [];
    const unique = [...new Map(keys.map((k) => [`${k.tenantId}|${k.trigger}|${k.entityId}`, k])).values()];
    const rows = await this.prisma.triggerSubscription.findMany({
      where: {
        active: true,
        OR: unique.map((k) => ({
          tenantId: k.tenantId,
          trigger: k.trigger,
          OR: k.entityId === null ? [{ entityId: null }] : [{ entityId: null }, { entityId: k.entityId }],
        })),
      },
      select: { id: true, tenantId: true, trigger: true, entityId: true, callbackUrl: true, params: true },
    });
    return rows.map((row) => ({ ...row, trigger: row.trigger as TriggerName, params: row.params as Record<string, unknown> }));
  }
}
