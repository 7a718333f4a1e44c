import { CanActivate, createParamDecorator, ExecutionContext, Injectable, Optional } from '@nestjs/common';
import { HttpError } from '@tripline/service';
import type { Request } from 'express';
import { ApiKeyVerifier } from './api-key-verifier';
import { TenantRateLimit } from './tenant-rate-limit';
import { TenantSession } from './tenant-session';

type TenantRequest = Request & { tenantId?: string };

/**
 * Every tenant-facing route authenticates with `X-API-Key`; the key decides the tenant, and the
 * request then counts against that tenant's rate limit (a wrong key spends no one's budget).
 *
 * Where the service provides a TenantSession (the gateway: its console's cookie), a request
 * without the header may name its tenant by its session instead. Nest builds a guard named in
 * `@UseGuards` in the controller's own module, so the gateway's provider is found there; the
 * header, when present, wins and is judged as if there were no session.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly verifier: ApiKeyVerifier,
    private readonly rateLimit: TenantRateLimit,
    @Optional() private readonly sessions?: TenantSession,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<TenantRequest>();
    const key = req.header('x-api-key');
    if (!key && this.sessions) {
      const session = await this.sessions.tenantFor(req);
      if (!session) throw new HttpError('unauthorized', 'missing X-API-Key header (or console session cookie)');
      req.tenantId = session.tenantId;
      return session.spendsBudget ? this.rateLimit.canActivate(context) : true;
    }
    if (!key) throw new HttpError('unauthorized', 'missing X-API-Key header');
    const tenantId = await this.verifier.tenantFor(key);
    if (!tenantId) throw new HttpError('unauthorized', 'invalid API key');
    req.tenantId = tenantId;
    return this.rateLimit.canActivate(context);
  }
}

/** The authenticated tenant's id; only valid behind ApiKeyGuard. */
export const CurrentTenant = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const tenantId = context.switchToHttp().getRequest<TenantRequest>().tenantId;
  if (!tenantId) throw new HttpError('unauthorized', 'not authenticated');
  return tenantId;
});
