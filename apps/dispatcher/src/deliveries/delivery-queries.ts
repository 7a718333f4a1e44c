import { Injectable } from '@nestjs/common';
import type { DeliveryStatus, DeliverySummary, DeliveryView, TriggerName } from '@tripline/contracts';
import { PrismaService, type Prisma } from '@tripline/db';
import { readableBytes } from '../callbacks/outside-bytes';

/** Newest first; the page after this (createdAt, id). */
type Cursor = [string, string];

/** What narrows a tenant's delivery log; each filter is optional. `since` and `until` bound when a delivery was made. */
export interface DeliveryFilter {
  subscriptionId?: string;
  status?: DeliveryStatus;
  trigger?: TriggerName;
  since?: string;
  until?: string;
}

/** The delivery log as the API shows it, and the manual ways back into the schedule. Always per tenant. */
@Injectable()
export class DeliveryQueries {
  /**
   * A page ends at about this many bytes of deliveries (with its next cursor), whatever the
   * limit asked: the page travels back to the gateway as one Kafka message, which the broker
   * refuses past 1 MB. One delivery is at most its payload (64 KiB) and its attempts shown.
   */
  static readonly PAGE_BYTES = 256 * 1024;
  /** The latest attempts shown per delivery: resends can add attempts without end. */
  static readonly ATTEMPTS_SHOWN = 20;
  /** Rows read per round trip while a page fills: a page of large deliveries needs few. */
  private static readonly READ_AHEAD = 50;

  constructor(private readonly prisma: PrismaService) {}

  /**
   * A tenant's deliveries, newest first, a page at a time. Served by the (tenant, subscription,
   * created) index for one subscription and by the (tenant, created, id) one for the whole log;
   * `since` also skips every day partition before its day.
   */
  async list(tenantId: string, filter: DeliveryFilter, limit: number, before?: Cursor): Promise<{ deliveries: DeliveryView[]; next: Cursor | null }> {
    const deliveries: DeliveryView[] = [];
    let bytes = 0;
    let cursor = before;
    for (;;) {
      const wanted = Math.min(limit - deliveries.length, DeliveryQueries.READ_AHEAD);
      // One row more than wanted says whether there is anything after them.
      const rows = await this.prisma.delivery.findMany({
        where: { AND: [matching(tenantId, filter), after(cursor)] },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: wanted + 1,
        include: { attempts: { orderBy: { attemptNumber: 'desc' }, take: DeliveryQueries.ATTEMPTS_SHOWN } },
      });
      for (const row of rows.slice(0, wanted)) {
        const view = toView(row);
        const size = Buffer.byteLength(JSON.stringify(view));
        if (deliveries.length > 0 && bytes + size > DeliveryQueries.PAGE_BYTES) return { deliveries, next: cursor! };
        deliveries.push(view);
        bytes += size;
        cursor = [row.createdAt.toISOString(), row.id];
      }
      if (rows.length <= wanted) return { deliveries, next: null };
      if (deliveries.length === limit) return { deliveries, next: cursor! };
    }
  }

  /**
   * How each subscription's callbacks have fared: its latest delivery, and the final outcomes of
   * those made in the last 24 hours. Two index range reads per subscription (latest one; last
   * day's), in one statement for the whole page, never the subscription's whole log.
   */
  async summaries(tenantId: string, subscriptionIds: string[]): Promise<DeliverySummary[]> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string; last_at: Date | null; last_status: string | null; delivered: bigint; failed: bigint }>>`
      SELECT s.id, latest.created_at AS last_at, latest.status AS last_status, COALESCE(day.delivered, 0) AS delivered, COALESCE(day.failed, 0) AS failed
      FROM unnest(${subscriptionIds}::uuid[]) AS s(id)
      LEFT JOIN LATERAL (
        SELECT d.created_at, d.status FROM deliveries d
        WHERE d.tenant_id = ${tenantId}::uuid AND d.subscription_id = s.id
        ORDER BY d.created_at DESC LIMIT 1
      ) latest ON true
      LEFT JOIN LATERAL (
        SELECT count(*) FILTER (WHERE d.status = 'delivered') AS delivered, count(*) FILTER (WHERE d.status IN ('failed', 'gone')) AS failed
        FROM deliveries d
        WHERE d.tenant_id = ${tenantId}::uuid AND d.subscription_id = s.id AND d.created_at >= now() - interval '24 hours'
          AND d.log_day >= ((now() - interval '24 hours') AT TIME ZONE 'UTC')::date
      ) day ON true`;
    return rows.map((row) => ({
      subscriptionId: row.id,
      lastDeliveryAt: row.last_at?.toISOString() ?? null,
      lastStatus: row.last_status as DeliveryStatus | null,
      delivered24h: Number(row.delivered),
      failed24h: Number(row.failed),
    }));
  }

  /** One more attempt now (by the database's clock), whatever the delivery's state; the same webhook-id. */
  async resend(tenantId: string, deliveryId: string): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE deliveries SET status = 'pending', next_attempt_at = now(), locked_until = NULL, completed_at = NULL, outcome_pending = false, disabled_reason = NULL
      WHERE id = ${deliveryId}::uuid AND tenant_id = ${tenantId}::uuid`;
    return count > 0;
  }

  /** Every failed delivery of the subscription created in [since, until) is due again now; `until` defaults to the database's now. */
  async recover(tenantId: string, subscriptionId: string, since: string, until?: string): Promise<number> {
    return this.prisma.$executeRaw`
      UPDATE deliveries SET status = 'pending', next_attempt_at = now(), locked_until = NULL, completed_at = NULL, outcome_pending = false, disabled_reason = NULL
      WHERE tenant_id = ${tenantId}::uuid AND subscription_id = ${subscriptionId}::uuid AND status = 'failed'
        AND created_at >= ${new Date(since)} AND created_at < COALESCE(${until ? new Date(until) : null}::timestamptz, now())`;
  }
}

function matching(tenantId: string, { subscriptionId, status, trigger, since, until }: DeliveryFilter): Prisma.DeliveryWhereInput {
  const made = since || until ? { gte: since ? new Date(since) : undefined, lt: until ? new Date(until) : undefined } : undefined;
  // A delivery lives in the partition of the day it was made or a later one (DeliveryRetention
  // moves keepers forward, never back): a row made since `since` is in no earlier day's partition.
  const logDay = since ? { gte: new Date(`${new Date(since).toISOString().slice(0, 10)}T00:00:00Z`) } : undefined;
  return { tenantId, subscriptionId, status, trigger, createdAt: made, logDay };
}

function after(cursor: Cursor | undefined): Prisma.DeliveryWhereInput {
  if (!cursor) return {};
  const at = new Date(cursor[0]);
  return { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: cursor[1] } }] };
}

type Row = Prisma.DeliveryGetPayload<{ include: { attempts: true } }>;

function toView(row: Row): DeliveryView {
  return {
    id: row.id,
    subscriptionId: row.subscriptionId,
    eventId: row.eventId,
    trigger: row.trigger,
    status: row.status as DeliveryStatus,
    attemptCount: row.attemptCount,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    payload: JSON.parse(row.body) as Record<string, unknown>,
    attempts: row.attempts.toReversed().map((a) => {
      const excerpt = a.responseExcerpt === null ? null : readableBytes(a.responseExcerpt);
      return {
        attemptNumber: a.attemptNumber,
        startedAt: a.startedAt.toISOString(),
        statusCode: a.statusCode,
        durationMs: a.durationMs,
        error: a.error,
        responseExcerpt: excerpt?.text ?? null,
        responseExcerptBase64: excerpt && !excerpt.exact ? Buffer.from(a.responseExcerpt!).toString('base64') : null,
      };
    }),
  };
}
