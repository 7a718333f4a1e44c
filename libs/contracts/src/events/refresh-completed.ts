import { z } from 'zod';
import { DisplayName, ExternalId, IsoDateTime } from '../common';
import { RunStatus, StepStatus } from './run-status';

export const REFRESH_COMPLETED = 'refresh.completed';

export const RefreshComponent = z.object({
  kind: z.enum(['dataSource', 'unification', 'segment', 'measure']).describe('What the component is: dataSource, unification, segment or measure.'),
  id: ExternalId.describe('The id of the component.'),
  name: DisplayName.describe('The name of the component.'),
  status: StepStatus.describe('How the component ended: succeeded, failed, timed_out or skipped.'),
});
export type RefreshComponent = z.infer<typeof RefreshComponent>;

/** A refresh run finished: full (everything) or partial, scheduled or started by hand. */
export const RefreshCompletedEvent = z.object({
  id: ExternalId,
  type: z.literal(REFRESH_COMPLETED),
  occurredAt: IsoDateTime,
  data: z.object({
    runId: ExternalId,
    scope: z.enum(['full', 'partial']),
    trigger: z.enum(['scheduled', 'manual']),
    status: RunStatus,
    startedAt: IsoDateTime,
    completedAt: IsoDateTime,
    components: z.array(RefreshComponent).max(10_000),
  }),
});
export type RefreshCompletedEvent = z.infer<typeof RefreshCompletedEvent>;
