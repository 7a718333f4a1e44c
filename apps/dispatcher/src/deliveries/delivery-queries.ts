import { Injectable } from '@nestjs/common';
import type { DeliveryStatus, DeliveryView } from '@tripline/contracts';
import { PrismaService, type Prisma } from '@tripline/db';
import { readableBytes } from '../callbacks/outside-bytes';

/** Newest first; the page after this (createdAt, id). */
type Cursor = [string, string];

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

  async list(tenantId: string, subscriptionId: string, limit: number, status?: DeliveryStatus, before?: Cursor): Promise<{ deliveries: DeliveryView[]; next: Cursor | null }> {
    const deliveries: DeliveryView[] = [];
    let bytes = 0;
    let cursor = before;
    for (;;) {
      const wanted = Math.min(limit - deliveries.length, DeliveryQueries.READ_AHEAD);
      // One row more than wanted says whether there is anything after them.
      const rows = await this.prisma.delivery.findMany({
        where: { tenantId, subscriptionId, status, ...after(cursor) },
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
