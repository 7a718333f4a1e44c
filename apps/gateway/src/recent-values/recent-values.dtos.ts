import { ExternalId } from '@tripline/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** Most values one answer holds; the console's charts ask for the default. */
export const MAX_RECENT_VALUES = 500;

export const RecentValuesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_RECENT_VALUES).default(50).describe(`The most recent values to return (1-${MAX_RECENT_VALUES})`),
});
export class RecentValuesQueryDto extends createZodDto(RecentValuesQuery) {}

export const SegmentIdParam = ExternalId.describe('The id of the segment');
export const MeasureIdParam = ExternalId.describe('The id of the business measure');

export const RecentValue = z.object({
  at: z.string().describe('When the value was observed: the event\'s occurredAt (ISO 8601, UTC)'),
  value: z.number().describe('The member count (segments) or the value (measures) the event reported'),
  eventId: z.string().describe('The event that reported it (GET /v1/events/{eventId}/evaluation explains it)'),
});
export type RecentValue = z.infer<typeof RecentValue>;

export const RecentValues = z.object({
  values: z.array(RecentValue).describe('Oldest to newest; empty for an id the tenant has no recorded values of (unknown, another tenant\'s, or past retention)'),
});
export class RecentValuesDto extends createZodDto(RecentValues) {}
