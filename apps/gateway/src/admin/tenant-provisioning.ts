import { Injectable } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import { issueApiKey } from '@tripline/tenancy';
import { randomUUID } from 'node:crypto';

export interface ProvisionedTenant {
  tenantId: string;
  /** Shown once, here; only its hash is stored. */
  apiKey: string;
}

@Injectable()
export class TenantProvisioning {
  constructor(private readonly prisma: PrismaService) {}

  async create(name: string): Promise<ProvisionedTenant> {
    const tenantId = randomUUID();
    const key = issueApiKey();
    await this.prisma.tenant.create({
      data: { id: tenantId, name, apiKeys: { create: { id: randomUUID(), prefix: key.prefix, keyHash: key.hash } } },
    });
    return { tenantId, apiKey: key.plain };
  }
}
