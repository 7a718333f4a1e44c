import { z } from 'zod';
import { Code, DisplayName, ExternalId, freeText, IsoDateTime } from '../common';

export const DATASOURCE_REFRESH_COMPLETED = 'datasource.refresh.completed';

/**
 * "retrying" is a transient state: the platform will try again, so it is not a failure.
 * Only the final states below count as failed for the refresh-failed trigger.
 */
export const RefreshStatus = z.enum(['succeeded', 'failed', 'retrying', 'timed_out', 'skipped']);
export type RefreshStatus = z.infer<typeof RefreshStatus>;
export const FINAL_FAILURE_STATUSES: readonly RefreshStatus[] = ['failed', 'timed_out', 'skipped'];

export const DataSourceRefreshData = z.object({
  dataSourceId: ExternalId,
  dataSourceName: DisplayName,
  runId: ExternalId,
  status: RefreshStatus,
  startedAt: IsoDateTime,
  completedAt: IsoDateTime,
  error: z
    .object({
      code: Code,
      message: freeText(4000),
    })
    .optional(),
});
export type DataSourceRefreshData = z.infer<typeof DataSourceRefreshData>;

export const DataSourceRefreshCompletedEvent = z.object({
  id: ExternalId,
  type: z.literal(DATASOURCE_REFRESH_COMPLETED),
  occurredAt: IsoDateTime,
  data: DataSourceRefreshData,
});
export type DataSourceRefreshCompletedEvent = z.infer<typeof DataSourceRefreshCompletedEvent>;
