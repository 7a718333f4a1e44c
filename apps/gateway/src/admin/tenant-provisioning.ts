import { Injectable } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import { ApiKeyVerifier, issueApiKey } from '@tripline/tenancy';
import { randomUUID } from 'node:crypto';

export interface ProvisionedTenant {
  tenantId: string;
  /** Shown once, here; only its hash is stored. */
  apiKey: string;
}

@Injectable()
export class TenantProvisioning {
  constructor(
    private readonly prisma: PrismaService,
    private readonly verifier: ApiKeyVerifier,
  ) {}

  async create(name: string): Promise<ProvisionedTenant> {
    const tenantId = randomUUID();
    const key = issueApiKey();
    await this.prisma.tenant.create({
      data: { id: tenantId, name, apiKeys: { create: { id: randomUUID(), name: 'default', prefix: key.prefix, keyHash: key.hash } } },
    });
    // Should this prefix have been tried before (as a junk key), the gateway's cache holds a
    // miss for it: the new key works here at once. Ingestion waits for the miss to expire.
    this.verifier.forget(key.prefix);
    return { tenantId, apiKey: key.plain };
  }
}
