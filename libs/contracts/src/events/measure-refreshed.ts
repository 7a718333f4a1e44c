import { z } from 'zod';
import { DisplayName, ExternalId, FiniteNumber, IsoDateTime } from '../common';

export const MEASURE_REFRESHED = 'measure.refreshed';

/** A business measure was recalculated: its value now. */
export const MeasureRefreshedEvent = z.object({
  id: ExternalId,
  type: z.literal(MEASURE_REFRESHED),
  occurredAt: IsoDateTime,
  data: z.object({
    measureId: ExternalId,
    measureName: DisplayName,
    value: FiniteNumber,
    runId: ExternalId.optional(),
  }),
});
export type MeasureRefreshedEvent = z.infer<typeof MeasureRefreshedEvent>;
