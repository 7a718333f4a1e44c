import type { Request } from 'express';

/** Whom a session lets a request act as on a tenant's routes. */
export interface SessionTenant {
  tenantId: string;
  /** Whether the request spends the tenant's rate limit: a tenant's own session does, an operator's does not. */
  spendsBudget: boolean;
}

/**
 * A credential a service may accept on its tenant routes besides X-API-Key: the gateway's
 * console session (a cookie). ApiKeyGuard takes one where the service provides it (the gateway
 * does); a service that provides none (ingestion) accepts X-API-Key alone.
 */
export abstract class TenantSession {
  /**
   * The tenant the request acts for by its session; null when it carries none (X-API-Key is then
   * required). Throws an HttpError for a session it refuses (unknown or expired, a write without
   * its CSRF token), naming what is wrong.
   */
  abstract tenantFor(req: Request): Promise<SessionTenant | null>;
}
