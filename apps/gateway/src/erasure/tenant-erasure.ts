import { Injectable } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import { TopicPublisher } from '@tripline/kafka';
import { ApiKeyVerifier } from '@tripline/tenancy';
import { eraseInOneTransaction, type ErasureStep } from './erasure-transaction';

export type TenantDataKind =
  | 'apiKeys'
  | 'tenants'
  | 'subscriptions'
  | 'triggerSubscriptions'
  | 'entityObservations'
  | 'entityStates'
  | 'eventEvaluations'
  | 'dataSourceStates'
  | 'segmentStates'
  | 'measureStates'
  | 'refreshRuns'
  | 'deliveryAttempts'
  | 'deliveries'
  | 'dispatchEndpoints'
  | 'deadLetters';

/**
 * Every table that holds a tenant's rows, with its owner (docs/architecture.md). The API keys
 * first (their prefixes, for the cache), then the tenant; attempts before their deliveries
 * (no foreign key joins them: a day's partitions of both are dropped whole).
 */
const STEPS: ReadonlyArray<ErasureStep<TenantDataKind>> = [
  // gateway
  { kind: 'apiKeys', statement: 'DELETE FROM api_keys WHERE tenant_id = $1 RETURNING prefix' },
  { kind: 'tenants', statement: 'DELETE FROM tenants WHERE id = $1' },
  // registry: the ids, for the tombstones
  { kind: 'subscriptions', statement: 'DELETE FROM subscriptions WHERE tenant_id = $1 RETURNING id' },
  // evaluator
  { kind: 'triggerSubscriptions', statement: 'DELETE FROM trigger_subscriptions WHERE tenant_id = $1' },
  { kind: 'entityObservations', statement: 'DELETE FROM entity_observations WHERE tenant_id = $1' },
  { kind: 'entityStates', statement: 'DELETE FROM entity_states WHERE tenant_id = $1' },
  { kind: 'eventEvaluations', statement: 'DELETE FROM event_evaluations WHERE tenant_id = $1' },
  // gateway's read model
  { kind: 'dataSourceStates', statement: 'DELETE FROM data_source_states WHERE tenant_id = $1' },
  { kind: 'segmentStates', statement: 'DELETE FROM segment_states WHERE tenant_id = $1' },
  { kind: 'measureStates', statement: 'DELETE FROM measure_states WHERE tenant_id = $1' },
  { kind: 'refreshRuns', statement: 'DELETE FROM refresh_runs WHERE tenant_id = $1' },
  // dispatcher: the payloads (deliveries.body), the receivers' answers (attempts), the sealed URLs and secrets (endpoints)
  { kind: 'deliveryAttempts', statement: 'DELETE FROM delivery_attempts a USING deliveries d WHERE a.delivery_id = d.id AND a.log_day = d.log_day AND d.tenant_id = $1' },
  { kind: 'deliveries', statement: 'DELETE FROM deliveries WHERE tenant_id = $1' },
  { kind: 'dispatchEndpoints', statement: 'DELETE FROM dispatch_endpoints WHERE tenant_id = $1' },
  // gateway: dead letters whose message names the tenant (they hold its payloads)
  { kind: 'deadLetters', statement: 'DELETE FROM dead_letters WHERE tenant_id = $1' },
];

export interface TenantErased {
  tenantId: string;
  removed: Record<TenantDataKind, number>;
  /** Tombstones published on the compacted subscriptions topic, one per subscription. */
  tombstones: number;
}

/**
 * Erases a tenant everywhere, in one transaction that crosses the tables' ownership (why:
 * docs/architecture.md, "Erasure"). Before it commits, a tombstone per subscription goes to the
 * compacted subscriptions topic, so compaction drops the sealed callback URLs it keeps; should
 * that fail, nothing is erased. Running services keep nothing of the tenant in memory that
 * outlives this: the evaluator matches from trigger_subscriptions, the dispatcher joins its
 * endpoint at each claim and records no attempt of a delivery that is gone, and this gateway
 * forgets the tenant's keys at once (ingestion's cache within 10 s, as for a revoked key).
 * Repeating it erases what arrived in transit meanwhile, and answers zeros otherwise.
 */
@Injectable()
export class TenantErasure {
  constructor(
    private readonly prisma: PrismaService,
    private readonly publisher: TopicPublisher,
    private readonly verifier: ApiKeyVerifier,
  ) {}

  async erase(tenantId: string): Promise<TenantErased> {
    let tombstones = 0;
    let prefixes: string[] = [];
    const removed = await eraseInOneTransaction(await this.prisma.pool.connect(), STEPS, [tenantId], async (_, returned) => {
      const ids = (returned.subscriptions ?? []).map((r) => String(r.id));
      await this.publisher.tombstone('subscriptionChanges', ids);
      tombstones = ids.length;
      prefixes = (returned.apiKeys ?? []).map((r) => String(r.prefix));
    });
    for (const prefix of prefixes) this.verifier.forget(prefix);
    return { tenantId, removed, tombstones };
  }
}
