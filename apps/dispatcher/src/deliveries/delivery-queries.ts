import { Injectable } from '@nestjs/common';
import type { DeliveryStatus, DeliveryView } from '@tripline/contracts';
import { PrismaService, type Prisma } from '@tripline/db';

/** The delivery log as the API shows it, and the manual ways back into the schedule. Always per tenant. */
@Injectable()
export class DeliveryQueries {
  constructor(private readonly prisma: PrismaService) {}

  async list(tenantId: string, subscriptionId: string, limit: number, status?: DeliveryStatus, before?: [string, string]) {
    const where: Prisma.DeliveryWhereInput = { tenantId, subscriptionId, status };
    if (before) {
      const at = new Date(before[0]);
      where.OR = [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: before[1] } }];
    }
    const rows = await this.prisma.delivery.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
      include: { attempts: { orderBy: { attemptNumber: 'asc' } } },
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      deliveries: page.map(toView),
      next: rows.length > limit ? ([last.createdAt.toISOString(), last.id] as [string, string]) : null,
    };
  }

  /** One more attempt now, whatever the delivery's state; the same webhook-id. */
  async resend(tenantId: string, deliveryId: string): Promise<boolean> {
    const { count } = await this.prisma.delivery.updateMany({
      where: { id: deliveryId, tenantId },
      data: { status: 'pending', nextAttemptAt: new Date(), lockedUntil: null, completedAt: null, outcomePending: false, disabledReason: null },
    });
    return count > 0;
  }

  /** Every failed delivery of the subscription created in [since, until) is due again now. */
  async recover(tenantId: string, subscriptionId: string, since: string, until?: string): Promise<number> {
    const { count } = await this.prisma.delivery.updateMany({
      where: { tenantId, subscriptionId, status: 'failed', createdAt: { gte: new Date(since), lt: until ? new Date(until) : new Date() } },
      data: { status: 'pending', nextAttemptAt: new Date(), lockedUntil: null, completedAt: null, outcomePending: false, disabledReason: null },
    });
    return count;
  }
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
    attempts: row.attempts.map((a) => ({
      attemptNumber: a.attemptNumber,
      startedAt: a.startedAt.toISOString(),
      statusCode: a.statusCode,
      durationMs: a.durationMs,
      error: a.error,
      responseExcerpt: a.responseExcerpt,
    })),
  };
}
