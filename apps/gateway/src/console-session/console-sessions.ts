import { Inject, Injectable, Optional } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';
import { csrfTokenFor, issueSession, tokenDigest } from './session-tokens';

/** Where sessions take their `now` from; a test moves it instead of waiting. */
export const CONSOLE_SESSION_CLOCK = Symbol('CONSOLE_SESSION_CLOCK');
export interface SessionClock {
  now(): Date;
}
const systemClock: SessionClock = { now: () => new Date() };

export type SessionOwner = { kind: 'operator' } | { kind: 'tenant'; tenantId: string; apiKeyPrefix: string };

/** A live session, as a request presents it. */
export interface ConsoleSession {
  digest: string;
  csrfDigest: string;
  /** Derived from the cookie's token, never stored. */
  csrfToken: string;
  kind: 'tenant' | 'operator';
  /** The tenant's; null for an operator. */
  tenantId: string | null;
  expiresAt: Date;
  lastSeenAt: Date;
}

/**
 * Console sessions, server-side in `console_sessions`: each ends on sign-out, when its API key
 * is revoked or deleted, CONSOLE_SESSION_IDLE_MINUTES after its last request, or
 * CONSOLE_SESSION_MAX_HOURS after sign-in, whichever comes first. A session is looked up on each
 * request (no cache: a sign-out or revocation applies on every instance at once), but written
 * at most once every TOUCH_INTERVAL_MS. Expired rows are deleted by the gateway's retention job.
 */
@Injectable()
export class ConsoleSessions {
  static readonly TOUCH_INTERVAL_MS = 60_000;
  private readonly idleMs: number;
  private readonly lifetimeMs: number;
  private readonly clock: SessionClock;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(GATEWAY_ENV) env: Pick<GatewayEnv, 'CONSOLE_SESSION_IDLE_MINUTES' | 'CONSOLE_SESSION_MAX_HOURS'>,
    @Optional() @Inject(CONSOLE_SESSION_CLOCK) clock?: SessionClock,
  ) {
    this.idleMs = env.CONSOLE_SESSION_IDLE_MINUTES * 60_000;
    this.lifetimeMs = env.CONSOLE_SESSION_MAX_HOURS * 3_600_000;
    this.clock = clock ?? systemClock;
  }

  /**
   * Starts a session; the token is for the cookie, and is not kept. Null when a tenant's key was
   * revoked or deleted meanwhile (the verifier's cache may not know yet; the insert checks).
   */
  async start(owner: SessionOwner): Promise<{ token: string; session: ConsoleSession } | null> {
    const issued = issueSession();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.lifetimeMs);
    const row = { digest: issued.digest, csrfDigest: issued.csrfDigest, createdAt: now, lastSeenAt: now, expiresAt };
    if (owner.kind === 'operator') await this.prisma.consoleSession.create({ data: { ...row, kind: 'operator' } });
    else if ((await this.insertForKey(row, owner)) === 0) return null;
    const session: ConsoleSession = {
      digest: issued.digest,
      csrfDigest: issued.csrfDigest,
      csrfToken: issued.csrfToken,
      kind: owner.kind,
      tenantId: owner.kind === 'tenant' ? owner.tenantId : null,
      expiresAt,
      lastSeenAt: now,
    };
    return { token: issued.token, session };
  }

  /** A tenant's session, only while its key is there and not revoked: 0 rows otherwise. */
  private insertForKey(
    row: { digest: string; csrfDigest: string; createdAt: Date; lastSeenAt: Date; expiresAt: Date },
    owner: Extract<SessionOwner, { kind: 'tenant' }>,
  ): Promise<number> {
    return this.prisma.$executeRaw`
      INSERT INTO console_sessions (digest, csrf_digest, kind, tenant_id, api_key_prefix, created_at, last_seen_at, expires_at)
      SELECT ${row.digest}, ${row.csrfDigest}, 'tenant', tenant_id, prefix, ${row.createdAt}, ${row.lastSeenAt}, ${row.expiresAt}
      FROM api_keys WHERE prefix = ${owner.apiKeyPrefix} AND tenant_id = ${owner.tenantId}::uuid AND revoked_at IS NULL`;
  }

  /** The live session of a well-formed token, or null: unknown, ended, idle too long, or its key revoked. */
  async find(token: string): Promise<ConsoleSession | null> {
    const digest = tokenDigest(token);
    const row = await this.prisma.consoleSession.findUnique({ where: { digest }, include: { apiKey: { select: { revokedAt: true } } } });
    if (!row || (row.kind !== 'tenant' && row.kind !== 'operator')) return null;
    const now = this.clock.now().getTime();
    if (now >= row.expiresAt.getTime() || now - row.lastSeenAt.getTime() >= this.idleMs) return null;
    if (row.kind === 'tenant' && (!row.apiKey || row.apiKey.revokedAt !== null)) return null;
    return {
      digest,
      csrfDigest: row.csrfDigest,
      csrfToken: csrfTokenFor(token),
      kind: row.kind,
      tenantId: row.tenantId,
      expiresAt: row.expiresAt,
      lastSeenAt: row.lastSeenAt,
    };
  }

  /** Records a request of the session, unless one was recorded less than TOUCH_INTERVAL_MS ago. */
  async touch(session: ConsoleSession): Promise<void> {
    const now = this.clock.now();
    const staleBefore = new Date(now.getTime() - ConsoleSessions.TOUCH_INTERVAL_MS);
    if (session.lastSeenAt > staleBefore) return;
    // Conditional: of concurrent requests, one writes.
    await this.prisma.consoleSession.updateMany({ where: { digest: session.digest, lastSeenAt: { lte: staleBefore } }, data: { lastSeenAt: now } });
  }

  /** Ends a session (nothing happens for one already gone). */
  async end(digest: string): Promise<void> {
    await this.prisma.consoleSession.deleteMany({ where: { digest } });
  }
}
