import { IsoDateTime, RefreshStatus, RunStatus, singleLine } from '@tripline/contracts';
import { PageQuery } from '@tripline/http';
import { z } from 'zod';
import { RunKind } from './platform-state.views';

/** The filters and paging of each read action. */
const nameFilter = singleLine(z.string().trim().min(1).max(200)).optional().describe('Only items whose name contains this (any case)');

export const DataSourcesQuery = z.object({ ...PageQuery, status: RefreshStatus.optional().describe('Only data sources whose last refresh ended so'), name: nameFilter });
export const SegmentsQuery = z.object({ ...PageQuery, name: nameFilter });
export const MeasuresQuery = z.object({ ...PageQuery, name: nameFilter });
export const RefreshRunsQuery = z.object({
  ...PageQuery,
  kind: RunKind.optional().describe('full, partial or unification'),
  status: RunStatus.optional().describe('Only runs that ended so'),
  since: IsoDateTime.optional().describe('Only runs completed at or after this time'),
  until: IsoDateTime.optional().describe('Only runs completed before this time'),
});
