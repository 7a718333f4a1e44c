import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { HttpError, ZodPipe } from '@tripline/service';
import { ZodResponse } from 'nestjs-zod';
import { AdminTokenGuard } from './admin-token.guard';
import { TenantListing } from './tenant-listing';
import { TenantProvisioning, type ProvisionedTenant } from './tenant-provisioning';
import { CreateTenant, CreateTenantDto, TenantCreatedDto, TenantsPageDto, TenantsQuery, TenantsQueryDto, type TenantSummary } from './tenant.dtos';
import { TenantErasedDto } from '../erasure/erasure.dtos';
import { TenantErasure, type TenantErased } from '../erasure/tenant-erasure';

@ApiTags('admin')
@ApiBearerAuth('adminToken')
@Controller('v1/admin/tenants')
@UseGuards(AdminTokenGuard)
export class TenantsController {
  constructor(
    private readonly provisioning: TenantProvisioning,
    private readonly listing: TenantListing,
    private readonly erasure: TenantErasure,
  ) {}

  @Get()
  @ZodResponse({ status: 200, description: 'The tenants, newest first, with their active API keys and subscriptions counted', type: TenantsPageDto })
  list(@Query(new ZodPipe(TenantsQuery)) query: TenantsQueryDto): Promise<{ tenants: TenantSummary[]; nextCursor: string | null }> {
    return this.listing.page(query);
  }

  @Post()
  @ZodResponse({ status: 201, description: 'The tenant and its API key', type: TenantCreatedDto })
  create(@Body(new ZodPipe(CreateTenant)) body: CreateTenantDto): Promise<ProvisionedTenant> {
    return this.provisioning.create(body.name);
  }

  /** Erases the tenant and everything of it, in every service's tables; answers what went. Repeatable. */
  @Delete(':id')
  @ZodResponse({ status: 200, description: 'What was removed, per kind (zeros for an unknown or already erased tenant)', type: TenantErasedDto })
  erase(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => new HttpError('not_found', 'no such tenant') })) tenantId: string): Promise<TenantErased> {
    return this.erasure.erase(tenantId);
  }
}
