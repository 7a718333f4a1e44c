import { z } from 'zod';
import { Count, DisplayName, ExternalId, IsoDateTime } from '../common';

export const SEGMENT_REFRESHED = 'segment.refreshed';

/** A segment was recalculated: its member count now. */
export const SegmentRefreshedEvent = z.object({
  id: ExternalId,
  type: z.literal(SEGMENT_REFRESHED),
  occurredAt: IsoDateTime,
  data: z.object({
    segmentId: ExternalId,
    segmentName: DisplayName,
    memberCount: Count,
    runId: ExternalId.optional(),
  }),
});
export type SegmentRefreshedEvent = z.infer<typeof SegmentRefreshedEvent>;
