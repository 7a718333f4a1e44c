import { z } from 'zod';
import { ExternalId, IsoDateTime } from '../common';

export const MEASURE_REFRESHED = 'measure.refreshed';

/** A business measure was recalculated: its value now. */
export const MeasureRefreshedEvent = z.object({
  id: ExternalId,
  type: z.literal(MEASURE_REFRESHED),
  occurredAt: IsoDateTime,
  data: z.object({
    measureId: ExternalId,
    measureName: z.string().trim().min(1).max(500),
    value: z.number().refine(Number.isFinite, 'must be a finite number'),
    runId: ExternalId.optional(),
  }),
});
export type MeasureRefreshedEvent = z.infer<typeof MeasureRefreshedEvent>;
