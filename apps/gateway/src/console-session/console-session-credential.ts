import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import { HttpError } from '@tripline/service';
import { TenantSession, type SessionTenant } from '@tripline/tenancy';
import type { Request } from 'express';
import { z } from 'zod';
import { GATEWAY_ENV, publicUrl, type GatewayEnv } from '../gateway.env';
import { ConsoleSessions, type ConsoleSession } from './console-sessions';
import { isOwnOrigin, originOf } from './same-origin';
import { sessionCookieValue } from './session-cookie';
import { csrfMatches, isSessionToken } from './session-tokens';

/** Methods that change something: a cookie-authenticated one must prove it comes from the console. */
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const TenantId = z.uuid();

const sessionRefused = () => new HttpError('unauthorized', 'console session unknown or expired: sign in again (POST /v1/console/session)');
const tenantIdIssue = (message: string) =>
  new HttpError('validation_failed', `X-Tenant-Id header: ${message}`, { issues: [{ path: 'X-Tenant-Id', message }] });

/**
 * A request's console session, from its `tripline_session` cookie. A browser sends a cookie with
 * every request to the gateway, whoever's page made it; so a write (POST, PUT, PATCH, DELETE)
 * authenticated by the cookie must also carry the session's CSRF token in `X-CSRF-Token`, which
 * only the console's own pages can read, and must not come with another site's Origin. Requests
 * authenticated by a header (X-API-Key, Authorization) never get here: a browser adds no such
 * header on its own, so they carry no CSRF risk.
 */
@Injectable()
export class ConsoleSessionCredential extends TenantSession {
  private readonly publicOrigin: string | null;

  constructor(
    private readonly sessions: ConsoleSessions,
    private readonly prisma: PrismaService,
    @Inject(GATEWAY_ENV) env: Pick<GatewayEnv, 'TRIPLINE_PUBLIC_URL'>,
  ) {
    super();
    this.publicOrigin = originOf(publicUrl(env));
  }

  /**
   * The live session the request's cookie names; null when it carries none. Refuses (401) a
   * session unknown or ended, and (403) a write from another origin or without its CSRF token.
   */
  async sessionOf(req: Request): Promise<ConsoleSession | null> {
    const token = sessionCookieValue(req.headers.cookie);
    if (!token) return null;
    const unsafe = UNSAFE_METHODS.has(req.method);
    if (unsafe) this.assertOwnOrigin(req);
    if (!isSessionToken(token)) throw sessionRefused();
    const session = await this.sessions.find(token);
    if (!session) throw sessionRefused();
    if (unsafe) {
      const sent = req.header('x-csrf-token');
      if (!sent || !csrfMatches(sent, session.csrfDigest)) {
        throw new HttpError('forbidden', 'missing or wrong X-CSRF-Token header: a write with the console session cookie must carry the session\'s csrfToken');
      }
    }
    await this.sessions.touch(session);
    return session;
  }

  /**
   * Refuses (403) a request whose Origin header names another site than this gateway: its public
   * URL's origin, or the one the request was addressed to (behind a proxy trusted by
   * TRIPLINE_TRUST_PROXY, the one the proxy forwards).
   */
  assertOwnOrigin(req: Request): void {
    const addressed = req.host ? originOf(`${req.protocol}://${req.host}`) : null;
    if (!isOwnOrigin(req.header('origin'), [this.publicOrigin, addressed])) {
      throw new HttpError('forbidden', "the Origin header names another site than this gateway: the console's requests come from its own pages");
    }
  }

  /**
   * A tenant's session acts for its tenant (and spends its rate limit). An operator's, who sees
   * every tenant, acts for the existing tenant the X-Tenant-Id header names, and for none without it.
   */
  async tenantFor(req: Request): Promise<SessionTenant | null> {
    const session = await this.sessionOf(req);
    if (!session) return null;
    const named = req.header('x-tenant-id');
    if (session.kind === 'tenant' && session.tenantId) {
      if (named !== undefined && named !== session.tenantId) throw new HttpError('forbidden', "X-Tenant-Id header: names another tenant than the session's");
      return { tenantId: session.tenantId, spendsBudget: true };
    }
    if (!named) throw tenantIdIssue("required with an operator's console session: the tenant to act for");
    if (!TenantId.safeParse(named).success) throw tenantIdIssue('must be a tenant id (a UUID)');
    const tenant = await this.prisma.tenant.findUnique({ where: { id: named }, select: { id: true } });
    if (!tenant) throw new HttpError('not_found', 'X-Tenant-Id header: no such tenant');
    return { tenantId: tenant.id, spendsBudget: false };
  }

  /** The operator's session the request carries; null without a session; 403 for a tenant's. */
  async operatorFor(req: Request): Promise<ConsoleSession | null> {
    const session = await this.sessionOf(req);
    if (session && session.kind !== 'operator') throw new HttpError('forbidden', "a tenant's console session cannot use the admin API");
    return session;
  }
}
