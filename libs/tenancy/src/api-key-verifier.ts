import { Injectable } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import { apiKeyMatches, apiKeyPrefix } from './api-key';

interface CachedKey {
  tenantId: string;
  keyHash: string;
  revoked: boolean;
  expiresAt: number;
}

/**
 * Resolves an API key to its tenant. Keys are read from the gateway's `api_keys` table (the
 * gateway alone writes it); a short cache keeps the hot path of ingestion off the database,
 * at the cost of a revocation taking up to CACHE_MS to apply everywhere.
 */
@Injectable()
export class ApiKeyVerifier {
  static readonly CACHE_MS = 10_000;
  private readonly cache = new Map<string, CachedKey>();

  constructor(private readonly prisma: PrismaService) {}

  async tenantFor(plain: string): Promise<string | null> {
    const prefix = apiKeyPrefix(plain);
    if (!prefix) return null;
    let entry = this.cache.get(prefix);
    if (!entry || entry.expiresAt < Date.now()) {
      const row = await this.prisma.apiKey.findUnique({ where: { prefix } });
      if (!row) return null;
      entry = {
        tenantId: row.tenantId,
        keyHash: row.keyHash,
        revoked: row.revokedAt !== null,
        expiresAt: Date.now() + ApiKeyVerifier.CACHE_MS,
      };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(prefix, entry);
    }
    return !entry.revoked && apiKeyMatches(plain, entry.keyHash) ? entry.tenantId : null;
  }
}
