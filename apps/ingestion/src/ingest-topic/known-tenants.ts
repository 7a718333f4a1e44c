import { Injectable } from '@nestjs/common';
import { PrismaService } from '@tripline/db';

/**
 * Which tenant ids exist, for events arriving on Kafka with a tenant id of their own. Tenants
 * are never deleted while events flow, so a tenant once seen is remembered.
 */
@Injectable()
export class KnownTenants {
  private readonly known = new Set<string>();

  constructor(private readonly prisma: PrismaService) {}

  async filterKnown(tenantIds: Iterable<string>): Promise<Set<string>> {
    const unknown = [...new Set(tenantIds)].filter((id) => !this.known.has(id));
    if (unknown.length > 0) {
      const rows = await this.prisma.tenant.findMany({ where: { id: { in: unknown } }, select: { id: true } });
      for (const row of rows) this.known.add(row.id);
    }
    return this.known;
  }
}
