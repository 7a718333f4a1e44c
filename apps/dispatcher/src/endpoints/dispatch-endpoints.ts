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

/** A dispatch_endpoints row as a claim joins it in (null columns: no endpoint yet). */
export interface EndpointRow {
  subscription_id: string;
  endpoint_status: string | null;
  endpoint_tenant_id: string | null;
  endpoint_callback_url: string | null;
  endpoint_secrets: SealedSecret[] | null;
  endpoint_failing_since: Date | null;
}

/**
 * The endpoints of claimed rows, one object per subscription: attempts at one endpoint share
 * what they learn of its health (failing since when, disabled) while they run.
 */
export function endpointsOf(rows: EndpointRow[]): Map<string, Endpoint> {
  const endpoints = new Map<string, Endpoint>();
  for (const r of rows) {
    if (r.endpoint_status === null || endpoints.has(r.subscription_id)) continue;
    endpoints.set(r.subscription_id, {
      subscriptionId: r.subscription_id,
      tenantId: r.endpoint_tenant_id!,
      callbackUrl: r.endpoint_callback_url!,
      status: r.endpoint_status as Endpoint['status'],
      secrets: r.endpoint_secrets ?? [],
      failingSince: r.endpoint_failing_since,
    });
  }
  return endpoints;
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
}
