import { DynamicModule, Module } from '@nestjs/common';
import { TokenBucketStorage } from '@tripline/service';
import { ApiKeyStore, PrismaApiKeyStore } from './api-key-store';
import { ApiKeyUsage } from './api-key-usage';
import { ApiKeyVerifier } from './api-key-verifier';
import { ApiKeyGuard } from './api-key.guard';
import { TENANT_RATE_LIMIT_OPTIONS, TENANT_RATE_LIMIT_STORAGE, TenantRateLimit, type TenantRateLimitOptions } from './tenant-rate-limit';

/** API-key authentication (recording each key's last use) and each tenant's rate limit, for a service's tenant-facing routes. */
@Module({})
export class TenancyModule {
  static forRoot(options: { rateLimit: TenantRateLimitOptions }): DynamicModule {
    return {
      module: TenancyModule,
      providers: [
        { provide: ApiKeyStore, useClass: PrismaApiKeyStore },
        { provide: TENANT_RATE_LIMIT_OPTIONS, useValue: options.rateLimit },
        { provide: TENANT_RATE_LIMIT_STORAGE, useFactory: () => new TokenBucketStorage() },
        ApiKeyUsage,
        ApiKeyVerifier,
        TenantRateLimit,
        ApiKeyGuard,
      ],
      exports: [ApiKeyVerifier, ApiKeyGuard, TenantRateLimit],
    };
  }
}
