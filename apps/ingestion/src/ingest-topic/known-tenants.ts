import { Injectable } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import { LRUCache } from 'lru-cache';

/**
 * Which tenant ids exist, for events arriving on Kafka with a tenant id of their own. A tenant
 * found is remembered for TTL_MS, as an API key is (libs/tenancy): a tenant erased
 * (`DELETE /v1/admin/tenants/{id}`) is refused here within that time. Bounded, so a flood of
 * tenant ids cannot grow it without limit; unknown ids are not remembered (each costs a query
 * per fetch, and is dead-lettered).
 */
@Injectable()
export class KnownTenants {
  static readonly TTL_MS = 10_000;
  private readonly known = new LRUCache<string, true>({ max: 100_000, ttl: KnownTenants.TTL_MS });

  constructor(private readonly prisma: PrismaService) {}

  async filterKnown(tenantIds: Iterable<string>): Promise<Set<string>> {
    const ids = [...new Set(tenantIds)];
    const unknown = ids.filter((id) => !this.known.has(id));
    if (unknown.length > 0) {
      const rows = await this.prisma.tenant.findMany({ where: { id: { in: unknown } }, select: { id: true } });
      for (const row of rows) this.known.set(row.id, true);
    }
    return new Set(ids.filter((id) => this.known.has(id)));
  }
}
