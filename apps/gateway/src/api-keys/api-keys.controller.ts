import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiNoContentResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ZodPipe } from '@tripline/service';
import { ApiKeyGuard, CurrentTenant } from '@tripline/tenancy';
import { ZodResponse } from 'nestjs-zod';
import {
  ApiKeyDto,
  ApiKeyIssuedDto,
  ApiKeysPageDto,
  ApiKeysQuery,
  ApiKeysQueryDto,
  NameApiKey,
  NameApiKeyDto,
  type ApiKeyIssued,
  type ApiKeyView,
} from './api-key.dtos';
import { noSuchApiKey, TenantApiKeys } from './tenant-api-keys';

const UnknownId = new ParseUUIDPipe({ exceptionFactory: noSuchApiKey });

/**
 * A tenant's own API keys (the console's Set-up page): list, create, rename, revoke, rotate. A
 * new key is in the answer that made it, and in no other; a key's hash is in none. Rules and
 * their reasons: TenantApiKeys. Not in the Power Automate connector: a flow has no business
 * minting or revoking the key its connection runs on.
 */
@ApiTags('api keys')
@ApiSecurity('apiKey')
@Controller('v1/api-keys')
@UseGuards(ApiKeyGuard)
export class ApiKeysController {
  constructor(private readonly keys: TenantApiKeys) {}

  @Get()
  @ZodResponse({ status: 200, description: "The tenant's API keys, newest first, revoked ones included", type: ApiKeysPageDto })
  list(@CurrentTenant() tenantId: string, @Query(new ZodPipe(ApiKeysQuery)) query: ApiKeysQueryDto): Promise<{ apiKeys: ApiKeyView[]; nextCursor: string | null }> {
    return this.keys.list(tenantId, query);
  }

  /** 409 api_key_limit_reached when the tenant holds TenantApiKeys.MAX_ACTIVE unrevoked keys. */
  @Post()
  @Header('Cache-Control', 'no-store')
  @ZodResponse({ status: 201, description: 'The new key, shown this once', type: ApiKeyIssuedDto })
  create(@CurrentTenant() tenantId: string, @Body(new ZodPipe(NameApiKey)) body: NameApiKeyDto): Promise<ApiKeyIssued> {
    return this.keys.create(tenantId, body.name);
  }

  @Patch(':id')
  @ZodResponse({ status: 200, description: 'The key, renamed', type: ApiKeyDto })
  rename(@CurrentTenant() tenantId: string, @Param('id', UnknownId) id: string, @Body(new ZodPipe(NameApiKey)) body: NameApiKeyDto): Promise<ApiKeyView> {
    return this.keys.rename(tenantId, id, body.name);
  }

  /** Revokes the key (the caller's own too); 409 last_api_key for the tenant's last active one. */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked (or it was already): refused from now on here, within 10 s everywhere; console sessions opened with it end' })
  revoke(@CurrentTenant() tenantId: string, @Param('id', UnknownId) id: string): Promise<void> {
    return this.keys.revoke(tenantId, id);
  }

  /** A new key with the same name; the old one is revoked at once, and console sessions opened with it end. */
  @Post(':id/rotate')
  @Header('Cache-Control', 'no-store')
  @ZodResponse({ status: 201, description: 'The new key, shown this once; the old one is revoked', type: ApiKeyIssuedDto })
  rotate(@CurrentTenant() tenantId: string, @Param('id', UnknownId) id: string): Promise<ApiKeyIssued> {
    return this.keys.rotate(tenantId, id);
  }
}
