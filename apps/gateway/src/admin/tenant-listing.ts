import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@tripline/db';
import { decodeCursor, toPage } from '@tripline/service';
import { z } from 'zod';
import type { TenantSummary } from './tenant.dtos';

/**
 * The operators' list of tenants, newest first, each with what it holds: its active API keys and
 * its active subscriptions. A page is three statements, whatever its size: the tenants (by the
 * (created_at, id) index), then both counts grouped by tenant for just those tenants.
 *
 * The subscriptions are the registry's table: counting them here is a read across ownership,
 * read-only and on purpose (docs/architecture.md, "Tables"), rather than a round trip over
 * Kafka per page to the registry for a number it would read from the same table.
 */
@Injectable()
export class TenantListing {
  constructor(private readonly prisma: PrismaService) {}

  async page(page: { limit: number; cursor?: string }): Promise<{ tenants: TenantSummary[]; nextCursor: string | null }> {
    const cursor = decodeCursor(page.cursor, 2, ([at, id]) => !Number.isNaN(Date.parse(at)) && z.uuid().safeParse(id).success);
    const after: Prisma.TenantWhereInput = cursor
      ? { OR: [{ createdAt: { lt: new Date(cursor[0]) } }, { createdAt: new Date(cursor[0]), id: { lt: cursor[1] } }] }
      : {};
    const rows = await this.prisma.tenant.findMany({ where: after, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: page.limit + 1 });
    const { items, nextCursor } = toPage(rows, page.limit, (t) => [t.createdAt.toISOString(), t.id]);
    const ids = items.map((t) => t.id);
    const [keys, subscriptions] = await Promise.all([
      this.prisma.apiKey.groupBy({ by: ['tenantId'], where: { tenantId: { in: ids }, revokedAt: null }, _count: { _all: true } }),
      this.prisma.subscription.groupBy({ by: ['tenantId'], where: { tenantId: { in: ids }, status: 'active' }, _count: { _all: true } }),
    ]);
    const counted = (groups: Array<{ tenantId: string; _count: { _all: number } }>) => new Map(groups.map((g) => [g.tenantId, g._count._all]));
    const keyCounts = counted(keys);
    const subscriptionCounts = counted(subscriptions);
    return {
      tenants: items.map((t) => ({
        id: t.id,
        name: t.name,
        createdAt: t.createdAt.toISOString(),
        apiKeys: keyCounts.get(t.id) ?? 0,
        subscriptions: subscriptionCounts.get(t.id) ?? 0,
      })),
      nextCursor,
    };
  }
}
