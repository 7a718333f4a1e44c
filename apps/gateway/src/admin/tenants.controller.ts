import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ZodPipe } from '@tripline/service';
import { ZodResponse } from 'nestjs-zod';
import { AdminTokenGuard } from './admin-token.guard';
import { TenantProvisioning, type ProvisionedTenant } from './tenant-provisioning';
import { CreateTenant, CreateTenantDto, TenantCreatedDto } from './tenant.dtos';

@ApiTags('admin')
@ApiBearerAuth('adminToken')
@Controller('v1/admin/tenants')
@UseGuards(AdminTokenGuard)
export class TenantsController {
  constructor(private readonly provisioning: TenantProvisioning) {}

  @Post()
  @ZodResponse({ status: 201, description: 'The tenant and its API key', type: TenantCreatedDto })
  create(@Body(new ZodPipe(CreateTenant)) body: CreateTenantDto): Promise<ProvisionedTenant> {
    return this.provisioning.create(body.name);
  }
}
