import { z } from 'zod';
import { ExternalId, IsoDateTime, TenantId } from '../common';

export const RefreshScope = z.enum(['full', 'dataSources', 'segments', 'measures', 'unification']);
export type RefreshScope = z.infer<typeof RefreshScope>;

/** The body of `POST /v1/refresh-requests`: what to refresh; `ids` narrows a scope to some entities. */
export const RefreshRequestInput = z
  .object({
    scope: RefreshScope.describe('What to refresh'),
    ids: z.array(ExternalId).min(1).max(1000).optional().describe('Only these data sources, segments or measures'),
  })
  .strict()
  .refine((r) => !(r.ids && (r.scope === 'full' || r.scope === 'unification')), {
    message: 'ids can narrow only the dataSources, segments and measures scopes',
    path: ['ids'],
  });
export type RefreshRequestInput = z.infer<typeof RefreshRequestInput>;

/** A command for the data platform, on the commands topic: a flow asked for a refresh. */
export const RefreshRequested = z.object({
  type: z.literal('refresh.requested').describe('The kind of command: refresh.requested.'),
  commandId: z.uuid().describe('The id of the command, for the data platform to de-duplicate on.'),
  tenantId: TenantId.describe('The tenant that asked.'),
  scope: RefreshScope.describe('What to refresh.'),
  ids: z.array(ExternalId).nullable().describe('Only these data sources, segments or measures; empty for all.'),
  requestedAt: IsoDateTime.describe('When it was asked (ISO 8601).'),
});
export type RefreshRequested = z.infer<typeof RefreshRequested>;
