import { Injectable } from '@nestjs/common';
import { PrismaService } from '@tripline/db';

/** What the verifier needs to know of a stored key: never the key itself, only its hash. */
export interface StoredApiKey {
  tenantId: string;
  keyHash: string;
  revoked: boolean;
}

/** Where API keys are looked up by their prefix: the gateway's `api_keys` table in production. */
export abstract class ApiKeyStore {
  abstract findByPrefix(prefix: string): Promise<StoredApiKey | null>;

  /**
   * Records that the keys of these prefixes were used at `at`, for each one whose last recorded
   * use is older than `intervalMs` (or that has none): of several instances, one writes a key per interval.
   */
  abstract markUsed(prefixes: string[], at: Date, intervalMs: number): Promise<void>;
}

@Injectable()
export class PrismaApiKeyStore extends ApiKeyStore {
  constructor(private readonly prisma: PrismaService) {
    super();
  }

  async findByPrefix(prefix: string): Promise<StoredApiKey | null> {
    const row = await this.prisma.apiKey.findUnique({ where: { prefix }, select: { tenantId: true, keyHash: true, revokedAt: true } });
    return row && { tenantId: row.tenantId, keyHash: row.keyHash, revoked: row.revokedAt !== null };
  }

  async markUsed(prefixes: string[], at: Date, intervalMs: number): Promise<void> {
    const staleBefore = new Date(at.getTime() - intervalMs);
    await this.prisma.apiKey.updateMany({
      where: { prefix: { in: prefixes }, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: staleBefore } }] },
      data: { lastUsedAt: at },
    });
  }
}
