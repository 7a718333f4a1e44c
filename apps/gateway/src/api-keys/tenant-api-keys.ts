import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@tripline/db';
import { decodeCursor, HttpError, toPage } from '@tripline/service';
import { ApiKeyVerifier, issueApiKey } from '@tripline/tenancy';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ApiKeyIssued, ApiKeyView } from './api-key.dtos';

/** Unknown ids and other tenants' ids look the same: not found. */
export const noSuchApiKey = () => new HttpError('not_found', 'no such API key');

/**
 * The first key of a transaction-scoped advisory lock on a tenant's keys (the second: the tenant
 * id's hash); the two-key form is apart from the migrator's one-key lock.
 */
const KEY_CHANGES_LOCK = 0x61706b79;

const VIEW = { id: true, name: true, prefix: true, createdAt: true, revokedAt: true, lastUsedAt: true } as const;
type ApiKeyRow = Prisma.ApiKeyGetPayload<{ select: typeof VIEW }>;

export const toApiKeyView = (row: ApiKeyRow): ApiKeyView => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  createdAt: row.createdAt.toISOString(),
  revokedAt: row.revokedAt?.toISOString() ?? null,
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
});

const isPrismaError = (error: unknown, code: string) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === code;

/**
 * A tenant's API keys as the tenant manages them (the console's Set-up page): every method takes
 * the tenant id and every statement is scoped by it, so another tenant's key is, to the caller,
 * an unknown id.
 *
 * - A tenant holds at most MAX_ACTIVE unrevoked keys (409 api_key_limit_reached).
 * - Revoking is final, and keeps the row (the list shows it, marked); it refuses the tenant's
 *   last unrevoked key (409 last_api_key): with none, nobody but an operator could sign the
 *   tenant in again. Rotating replaces a key instead, as Stripe lets one roll a key but not lock
 *   oneself out.
 * - A revocation applies on this gateway at once (the verifier forgets the prefix, as tenant
 *   erasure does), on other instances and ingestion within the verifier's cache
 *   (KNOWN_TTL_MS, 10 s); console sessions opened with the key end at once everywhere (they look
 *   the key up on each request).
 *
 * Changes to one tenant's keys take turns (an advisory lock for the transaction), so two
 * requests at once cannot both pass the limit, nor each revoke one of the last two keys. Not a
 * lock on the tenant's row: erasure deletes the keys, then the tenant, and would deadlock with it.
 */
@Injectable()
export class TenantApiKeys {
  static readonly MAX_ACTIVE = 20;

  constructor(
    private readonly prisma: PrismaService,
    private readonly verifier: ApiKeyVerifier,
  ) {}

  /** Newest first, revoked ones included; the cursor is (createdAt, id) of the last key shown. */
  async list(tenantId: string, page: { limit: number; cursor?: string }): Promise<{ apiKeys: ApiKeyView[]; nextCursor: string | null }> {
    const cursor = decodeCursor(page.cursor, 2, ([at, id]) => !Number.isNaN(Date.parse(at)) && z.uuid().safeParse(id).success);
    const after: Prisma.ApiKeyWhereInput = cursor
      ? { OR: [{ createdAt: { lt: new Date(cursor[0]) } }, { createdAt: new Date(cursor[0]), id: { lt: cursor[1] } }] }
      : {};
    const rows = await this.prisma.apiKey.findMany({
      where: { tenantId, ...after },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: page.limit + 1,
      select: VIEW,
    });
    const { items, nextCursor } = toPage(rows, page.limit, (r) => [r.createdAt.toISOString(), r.id]);
    return { apiKeys: items.map(toApiKeyView), nextCursor };
  }

  async create(tenantId: string, name: string): Promise<ApiKeyIssued> {
    const issued = await this.changeKeys(tenantId, async (tx) => {
      const active = await tx.apiKey.count({ where: { tenantId, revokedAt: null } });
      if (active >= TenantApiKeys.MAX_ACTIVE) {
        throw new HttpError('api_key_limit_reached', `the tenant has ${active} active API keys, the most allowed is ${TenantApiKeys.MAX_ACTIVE}; revoke one first`);
      }
      return this.insert(tx, tenantId, name);
    });
    // Should this prefix have been tried before (as a junk key), the gateway's cache holds a miss for it.
    this.verifier.forget(issued.prefix);
    return issued;
  }

  async rename(tenantId: string, id: string, name: string): Promise<ApiKeyView> {
    try {
      return toApiKeyView(await this.prisma.apiKey.update({ where: { id, tenantId }, data: { name }, select: VIEW }));
    } catch (error) {
      if (isPrismaError(error, 'P2025')) throw noSuchApiKey();
      throw error;
    }
  }

  /** Revokes a key; one revoked already stays as it was (a DELETE may be repeated). */
  async revoke(tenantId: string, id: string): Promise<void> {
    const prefix = await this.changeKeys(tenantId, async (tx) => {
      const key = await tx.apiKey.findFirst({ where: { id, tenantId }, select: { prefix: true, revokedAt: true } });
      if (!key) throw noSuchApiKey();
      if (key.revokedAt) return key.prefix;
      const others = await tx.apiKey.count({ where: { tenantId, revokedAt: null, id: { not: id } } });
      if (others === 0) {
        throw new HttpError(
          'last_api_key',
          "this is the tenant's last active API key: revoked, it would leave the tenant locked out. Rotate it instead (POST /v1/api-keys/{id}/rotate), or create another key first",
        );
      }
      await tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
      return key.prefix;
    });
    this.verifier.forget(prefix);
  }

  /**
   * A new key with the same name, and the old one revoked in the same transaction: no overlap (a
   * tenant that wants one creates a key, moves its clients to it, then revokes the old one).
   */
  async rotate(tenantId: string, id: string): Promise<ApiKeyIssued> {
    const { issued, revokedPrefix } = await this.changeKeys(tenantId, async (tx) => {
      const key = await tx.apiKey.findFirst({ where: { id, tenantId, revokedAt: null }, select: { name: true, prefix: true } });
      if (!key) throw new HttpError('not_found', 'no such API key, or it is revoked: a revoked key cannot be rotated (create a new one)');
      await tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
      return { issued: await this.insert(tx, tenantId, key.name), revokedPrefix: key.prefix };
    });
    this.verifier.forget(revokedPrefix);
    this.verifier.forget(issued.prefix);
    return issued;
  }

  private async insert(tx: Prisma.TransactionClient, tenantId: string, name: string): Promise<ApiKeyIssued> {
    const key = issueApiKey();
    const row = await tx.apiKey.create({
      data: { id: randomUUID(), tenantId, name, prefix: key.prefix, keyHash: key.hash },
      select: { id: true, name: true, prefix: true, createdAt: true },
    });
    return { ...row, createdAt: row.createdAt.toISOString(), apiKey: key.plain };
  }

  /** Runs a change of the tenant's keys in a transaction, after any other change of its keys. */
  private async changeKeys<T>(tenantId: string, change: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${KEY_CHANGES_LOCK}::int, hashtext(${tenantId}))`;
        return change(tx);
      });
    } catch (error) {
      // The tenant was erased meanwhile: its keys went with it.
      if (isPrismaError(error, 'P2003')) throw new HttpError('not_found', 'no such tenant');
      throw error;
    }
  }
}
