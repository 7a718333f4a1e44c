import { Injectable } from '@nestjs/common';
import { newestPerSubscription, type SealedSecret, type Subscription } from '@tripline/contracts';
import { PrismaService } from '@tripline/db';

export interface Endpoint {
  subscriptionId: string;
  tenantId: string;
  callbackUrl: string;
  status: Subscription['status'];
  secrets: SealedSecret[];
  failingSince: Date | null;
}

/**
 * The dispatcher's copy of each subscription's endpoint (fed by the subscription changes
 * topic, a newer version wins) plus its health, which is the dispatcher's own: since when it
 * has been failing without a success.
 */
@Injectable()
export class DispatchEndpoints {
  constructor(private readonly prisma: PrismaService) {}

  /** Applies subscriptions' states, newest version wins: one statement per batch. */
  async apply(subscriptions: Subscription[]): Promise<void> {
    const latest = newestPerSubscription(subscriptions);
    if (latest.length === 0) return;
    const col = <T>(f: (s: Subscription) => T) => latest.map(f);
    // Re-enabling (any status back to active) starts the failure clock afresh.
    await this.prisma.$executeRaw`
      INSERT INTO dispatch_endpoints (subscription_id, tenant_id, callback_url, status, secrets, version)
      SELECT * FROM unnest(${col((s) => s.id)}::uuid[], ${col((s) => s.tenantId)}::uuid[], ${col((s) => s.callbackUrl)}::text[],
        ${col((s) => s.status)}::text[], ${col((s) => JSON.stringify(s.secrets))}::jsonb[], ${col((s) => s.version)}::int[])
      ON CONFLICT (subscription_id) DO UPDATE SET
        callback_url = EXCLUDED.callback_url, status = EXCLUDED.status, secrets = EXCLUDED.secrets, version = EXCLUDED.version,
        failing_since = CASE WHEN EXCLUDED.status = 'active' AND dispatch_endpoints.status <> 'active' THEN NULL ELSE dispatch_endpoints.failing_since END
      WHERE dispatch_endpoints.version < EXCLUDED.version`;
  }

  async find(subscriptionIds: string[]): Promise<Map<string, Endpoint>> {
    if (subscriptionIds.length === 0) return new Map();
    const rows = await this.prisma.dispatchEndpoint.findMany({ where: { subscriptionId: { in: [...new Set(subscriptionIds)] } } });
    return new Map(
      rows.map((r) => [
        r.subscriptionId,
        {
          subscriptionId: r.subscriptionId,
          tenantId: r.tenantId,
          callbackUrl: r.callbackUrl,
          status: r.status as Endpoint['status'],
          secrets: r.secrets as unknown as SealedSecret[],
          failingSince: r.failingSince,
        },
      ]),
    );
  }
}
