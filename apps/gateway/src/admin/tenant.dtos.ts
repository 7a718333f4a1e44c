import { createZodDto } from 'nestjs-zod';
import { singleLine } from '@tripline/contracts';
import { PageQuery } from '@tripline/service';
import { z } from 'zod';

export const CreateTenant = z.object({ name: singleLine(z.string().trim().min(1).max(200)).describe('A name for the tenant (data platform instance)') });
export class CreateTenantDto extends createZodDto(CreateTenant) {}

export const TenantCreated = z.object({
  tenantId: z.uuid(),
  apiKey: z.string().describe("Shown once: only its hash is stored. Send it as X-API-Key. Its name is 'default'."),
});
export class TenantCreatedDto extends createZodDto(TenantCreated) {}

export const TenantsQuery = z.object({ ...PageQuery });
export class TenantsQueryDto extends createZodDto(TenantsQuery) {}

const count = (what: string) => z.number().int().min(0).describe(what);

export const TenantSummary = z
  .object({
    id: z.uuid(),
    name: z.string(),
    createdAt: z.iso.datetime().describe('When it was made (ISO 8601)'),
    apiKeys: count('Its active (unrevoked) API keys'),
    subscriptions: count('Its active subscriptions (not disabled, deleted or awaiting their handshake)'),
  })
  .describe('A tenant, as the operators see it');
export type TenantSummary = z.infer<typeof TenantSummary>;

export const TenantsPage = z.object({ tenants: z.array(TenantSummary).describe('Newest first'), nextCursor: z.string().nullable() });
export class TenantsPageDto extends createZodDto(TenantsPage) {}
