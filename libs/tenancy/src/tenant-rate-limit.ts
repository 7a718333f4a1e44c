import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { tooManyRequests, type TokenBucketStorage } from '@tripline/service';
import type { Response } from 'express';

export interface TenantRateLimitOptions {
  /** Requests one tenant may make per window, across all of its API-key routes. */
  limit: number;
  windowMs: number;
}

export const TENANT_RATE_LIMIT_OPTIONS = Symbol('TENANT_RATE_LIMIT_OPTIONS');
export const TENANT_RATE_LIMIT_STORAGE = Symbol('TENANT_RATE_LIMIT_STORAGE');

/**
 * Each tenant's budget of requests: @nestjs/throttler's guard, keyed by the authenticated tenant
 * (not the client address: one producer's hosts share a budget, and tenants behind one proxy
 * do not), over a token bucket (TokenBucketStorage): `limit` requests at once, refilling evenly
 * over the window; Retry-After says when the next request fits. Budgets live in this instance's
 * memory, so with N instances behind a balancer a tenant gets up to N times the limit.
 *
 * ApiKeyGuard calls it once the key has named the tenant.
 */
@Injectable()
export class TenantRateLimit extends ThrottlerGuard {
  constructor(
    @Inject(TENANT_RATE_LIMIT_OPTIONS) limits: TenantRateLimitOptions,
    @Inject(TENANT_RATE_LIMIT_STORAGE) storage: TokenBucketStorage,
    reflector: Reflector,
  ) {
    super({ throttlers: [{ name: 'default', limit: limits.limit, ttl: limits.windowMs }] }, storage, reflector);
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const tenantId = req.tenantId;
    if (typeof tenantId !== 'string') throw new Error('TenantRateLimit runs only after ApiKeyGuard has named the tenant');
    return tenantId;
  }

  /** One budget per tenant, whichever route it calls. */
  protected override generateKey(_context: ExecutionContext, tenantId: string): string {
    return `tenant:${tenantId}`;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw tooManyRequests(
      context.switchToHttp().getResponse<Response>(),
      detail.timeToBlockExpire * 1000,
      `rate limit exceeded: this tenant may make ${detail.limit} requests per ${detail.ttl / 1000} s`,
    );
  }
}
