import { createZodDto } from 'nestjs-zod';
import { singleLine } from '@tripline/contracts';
import { z } from 'zod';

export const CreateTenant = z.object({ name: singleLine(z.string().trim().min(1).max(200)).describe('A name for the tenant (data platform instance)') });
export class CreateTenantDto extends createZodDto(CreateTenant) {}

export const TenantCreated = z.object({
  tenantId: z.uuid(),
  apiKey: z.string().describe('Shown once: only its hash is stored. Send it as X-API-Key.'),
});
export class TenantCreatedDto extends createZodDto(TenantCreated) {}
