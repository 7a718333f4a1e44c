import { z } from 'zod';
import { ExternalId, IsoDateTime } from '../common';
import { RunStatus, StepStatus } from './run-status';

export const UNIFICATION_COMPLETED = 'unification.completed';

export const UnificationStage = z.object({
  status: StepStatus,
  startedAt: IsoDateTime.optional(),
  completedAt: IsoDateTime.optional(),
});

/** A unification run (map, match, merge) finished. */
export const UnificationCompletedEvent = z.object({
  id: ExternalId,
  type: z.literal(UNIFICATION_COMPLETED),
  occurredAt: IsoDateTime,
  data: z.object({
    runId: ExternalId,
    status: RunStatus,
    startedAt: IsoDateTime,
    completedAt: IsoDateTime,
    stages: z.object({ map: UnificationStage, match: UnificationStage, merge: UnificationStage }),
  }),
});
export type UnificationCompletedEvent = z.infer<typeof UnificationCompletedEvent>;
