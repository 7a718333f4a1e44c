import { Body, Controller, Delete, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { HttpError, ZodPipe } from '@tripline/service';
import { ZodResponse } from 'nestjs-zod';
import { AdminTokenGuard } from './admin-token.guard';
import { TenantProvisioning, type ProvisionedTenant } from './tenant-provisioning';
import { CreateTenant, CreateTenantDto, TenantCreatedDto } from './tenant.dtos';
import { TenantErasedDto } from '../erasure/erasure.dtos';
import { TenantErasure, type TenantErased } from '../erasure/tenant-erasure';

@ApiTags('admin')
@ApiBearerAuth('adminToken')
@Controller('v1/admin/tenants')
@UseGuards(AdminTokenGuard)
export class TenantsController {
  constructor(
    private readonly provisioning: TenantProvisioning,
    private readonly erasure: TenantErasure,
  ) {}

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
