import { DeliveryStatus, DeliverySummary, DeliveryView, IsoDateTime, TriggerName } from '@tripline/contracts';
import { PageQuery } from '@tripline/service';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

const deliveryFilters = {
  status: DeliveryStatus.optional().describe('Only deliveries in this state; failed ones are the dead letters'),
  trigger: TriggerName.optional().describe("Only deliveries of this trigger's subscriptions"),
  since: IsoDateTime.optional().describe('Only deliveries made at or after this time'),
  until: IsoDateTime.optional().describe('Only deliveries made before this time'),
};
const windowInOrder = (query: { since?: string; until?: string }) => !query.since || !query.until || Date.parse(query.since) < Date.parse(query.until);
const windowIssue = { message: 'must be after since', path: ['until'] };

export const DeliveriesQuery = z.object({ ...PageQuery, ...deliveryFilters }).refine(windowInOrder, windowIssue);
export class DeliveriesQueryDto extends createZodDto(DeliveriesQuery) {}

export const DeliveriesSearch = z
  .object({ ...PageQuery, subscriptionId: z.uuid().optional().describe("Only this subscription's deliveries"), ...deliveryFilters })
  .refine(windowInOrder, windowIssue);
export class DeliveriesSearchDto extends createZodDto(DeliveriesSearch) {}

export const DeliveriesPage = z.object({ deliveries: z.array(DeliveryView), nextCursor: z.string().nullable() });
export class DeliveriesPageDto extends createZodDto(DeliveriesPage) {}

export const RecoverRequest = z
  .object({
    since: z.iso.datetime({ offset: true }).describe('Resend failed deliveries created at or after this time'),
    until: z.iso.datetime({ offset: true }).optional().describe('... and before this time (default: now)'),
  })
  .strict();
export class RecoverRequestDto extends createZodDto(RecoverRequest) {}

export const Recovered = z.object({ recovered: z.number().int().describe('Deliveries queued again') });
export class RecoveredDto extends createZodDto(Recovered) {}

export const Resent = z.object({ deliveryId: z.uuid(), status: z.literal('pending') });
export class ResentDto extends createZodDto(Resent) {}

export const SummariesQuery = z.object({
  subscriptionIds: z
    .string()
    .max(100 * 37)
    .transform((ids) => ids.split(',').filter(Boolean))
    .pipe(z.array(z.uuid()).min(1).max(100))
    .describe('Up to 100 subscription ids, comma-separated'),
});
export class SummariesQueryDto extends createZodDto(SummariesQuery) {}

export const Summaries = z.object({ summaries: z.array(DeliverySummary).describe('One per subscription asked for, in no particular order; one without deliveries (or not the tenant\'s) has none to count') });
export class SummariesDto extends createZodDto(Summaries) {}
