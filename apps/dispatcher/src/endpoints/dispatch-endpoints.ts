import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { newestPerSubscription, type SealedSecret, type Subscription } from '@tripline/contracts';
import { PrismaService, writeNewerVersions } from '@tripline/db';
import { isSealed, SecretBox } from '@tripline/secrets';
import { DISPATCHER_ENV, type DispatcherEnv } from '../dispatcher.env';

export interface Endpoint {
  subscriptionId: string;
  tenantId: string;
  /**
   * The plain URL, opened from the sealed one: in memory only, never stored or logged. null
   * when this TRIPLINE_SECRETS_KEY cannot open it: its deliveries fail, nobody else's.
   */
  callbackUrl: string | null;
  status: Subscription['status'];
  secrets: SealedSecret[];
  failingSince: Date | null;
}

/** An endpoint whose URL this key opened: one an attempt can call. */
export type CallableEndpoint = Endpoint & { callbackUrl: string };

/** A dispatch_endpoints row as a claim joins it in (null columns: no endpoint yet). */
export interface EndpointRow {
  subscription_id: string;
  endpoint_status: string | null;
  endpoint_tenant_id: string | null;
  /** Sealed, as stored. */
  endpoint_callback_url: string | null;
  endpoint_secrets: SealedSecret[] | null;
  endpoint_failing_since: Date | null;
}

/** The endpoint columns a claim selects from dispatch_endpoints `e`, as EndpointRow names them. */
export const ENDPOINT_COLUMNS = `
  e.status AS endpoint_status, e.tenant_id AS endpoint_tenant_id, e.sealed_callback_url AS endpoint_callback_url,
  e.secrets AS endpoint_secrets, e.failing_since AS endpoint_failing_since`;

/**
 * The dispatcher's copy of each subscription's endpoint (fed by the subscription changes
 * topic, a newer version wins) plus its health, which is the dispatcher's own: since when it
 * has been failing without a success. The callback URL is kept sealed, as it arrives; it is
 * opened into an Endpoint when a delivery to it is claimed.
 */
@Injectable()
export class DispatchEndpoints implements OnModuleInit {
  private readonly logger = new Logger(DispatchEndpoints.name);
  private readonly box: SecretBox;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(DISPATCHER_ENV) env: DispatcherEnv,
  ) {
    this.box = new SecretBox(env.TRIPLINE_SECRETS_KEY);
  }

  /**
   * The upgrade from plaintext callback URLs (migration 20261130030000_sealed_callback_urls
   * moved them, as they were, into `sealed_callback_url`): sealed in place before anything is
   * claimed. The registry republishes every such subscription sealed too, a version up.
   */
  async onModuleInit(): Promise<void> {
    const rows = await this.prisma.dispatchEndpoint.findMany({
      where: { NOT: { sealedCallbackUrl: { startsWith: 'v1.' } } },
      select: { subscriptionId: true, sealedCallbackUrl: true },
    });
    const legacy = rows.filter((r) => !isSealed(r.sealedCallbackUrl));
    for (const { subscriptionId, sealedCallbackUrl: plain } of legacy) {
      await this.prisma.dispatchEndpoint.updateMany({ where: { subscriptionId, sealedCallbackUrl: plain }, data: { sealedCallbackUrl: this.box.seal(plain) } });
    }
    if (legacy.length > 0) this.logger.log(`sealed the callback URLs of ${legacy.length} endpoint(s) kept in plaintext before this version`);
    // Started with another key than the registry's, the dispatcher would fail every delivery it
    // claims, for good: refuse to start instead, naming the variable.
    const held = await this.prisma.dispatchEndpoint.count({ where: { status: { in: ['active', 'pending_validation'] } } });
    if (held > 0 && !(await this.opensStoredUrls())) {
      throw new Error('TRIPLINE_SECRETS_KEY opens none of the stored callback URLs: it must be the key the registry and the gateway seal them with');
    }
  }

  /**
   * The endpoints of claimed rows, one object per subscription: attempts at one endpoint share
   * what they learn of its health (failing since when, disabled) while they run.
   */
  of(rows: EndpointRow[]): Map<string, Endpoint> {
    const endpoints = new Map<string, Endpoint>();
    for (const r of rows) {
      if (r.endpoint_status === null || endpoints.has(r.subscription_id)) continue;
      endpoints.set(r.subscription_id, {
        subscriptionId: r.subscription_id,
        tenantId: r.endpoint_tenant_id!,
        callbackUrl: this.openUrl(r.subscription_id, r.endpoint_callback_url!),
        status: r.endpoint_status as Endpoint['status'],
        secrets: r.endpoint_secrets ?? [],
        failingSince: r.endpoint_failing_since,
      });
    }
    return endpoints;
  }

  /** Applies subscriptions' states, newest version wins: one statement per batch. */
  async apply(subscriptions: Subscription[]): Promise<void> {
    const latest = newestPerSubscription(subscriptions);
    if (latest.length === 0) return;
    const col = <T>(f: (s: Subscription) => T) => latest.map(f);
    await writeNewerVersions(this.prisma.pool, {
      table: 'dispatch_endpoints',
      key: 'subscription_id',
      columns: {
        subscription_id: { type: 'uuid', values: col((s) => s.id) },
        tenant_id: { type: 'uuid', values: col((s) => s.tenantId) },
        sealed_callback_url: { type: 'text', values: col((s) => s.sealedCallbackUrl) },
        status: { type: 'text', values: col((s) => s.status) },
        secrets: { type: 'jsonb', values: col((s) => JSON.stringify(s.secrets)) },
        version: { type: 'int', values: col((s) => s.version) },
      },
      overwrite: ['sealed_callback_url', 'status', 'secrets'],
      // Re-enabling (any status back to active) starts the failure clock afresh, and so does a new
      // URL (the operations webhook moved): the old URL's failures say nothing of the new one's.
      also: [
        `failing_since = CASE WHEN (EXCLUDED.status = 'active' AND dispatch_endpoints.status <> 'active')
                                OR EXCLUDED.sealed_callback_url <> dispatch_endpoints.sealed_callback_url
                              THEN NULL ELSE dispatch_endpoints.failing_since END`,
      ],
    });
  }

  /** Whether this key opens a sealed URL: a change whose URL it cannot open would fail every delivery. */
  opens(sealed: string): boolean {
    try {
      this.box.open(sealed);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Whether this key opens the callback URLs the dispatcher holds (of endpoints it would call):
   * false when it opens none of them, or holds none. A change whose URL does not open is then
   * told apart: the message's fault when this is true, the key's when it is false.
   */
  async opensStoredUrls(): Promise<boolean> {
    const rows = await this.prisma.dispatchEndpoint.findMany({
      where: { status: { in: ['active', 'pending_validation'] } },
      select: { sealedCallbackUrl: true },
      take: 20,
    });
    return rows.some((r) => this.opens(r.sealedCallbackUrl));
  }

  /**
   * The plain URL, or null when it cannot be opened: never a throw, which would fail the whole
   * claim (up to its limit of deliveries, any tenant's, left leased and never attempted, then
   * the same oldest ones claimed and failed again). Warns naming the subscription, never the URL.
   */
  private openUrl(subscriptionId: string, sealed: string): string | null {
    try {
      return this.box.open(sealed);
    } catch {
      this.logger.warn(`the callback URL of subscription ${subscriptionId} cannot be opened with this TRIPLINE_SECRETS_KEY: its claimed deliveries fail`);
      return null;
    }
  }
}
