import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { HttpError } from '@tripline/service';
import type { Request } from 'express';
import { ApiKeyVerifier } from './api-key-verifier';
import { TenantRateLimit } from './tenant-rate-limit';

type TenantRequest = Request & { tenantId?: string };

/**
 * Every tenant-facing route authenticates with `X-API-Key`; the key decides the tenant, and the
 * request then counts against that tenant's rate limit (a wrong key spends no one's budget).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly verifier: ApiKeyVerifier,
    private readonly rateLimit: TenantRateLimit,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<TenantRequest>();
    const key = req.header('x-api-key');
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
