import { IsoDateTime, RefreshStatus, RunStatus, singleLine } from '@tripline/contracts';
import { PageQuery } from '@tripline/service';
import { z } from 'zod';
import { RunKind } from './platform-state.views';

/** The filters and paging of each read action. */
const nameFilter = singleLine(z.string().trim().min(1).max(200)).optional().describe('Only items whose name contains this (any case)');

/**
 * Search text: matched literally (`%`, `_` and `\` are not wildcards) as a substring of the
 * name or the id, in any case. Same single-line rules as the names and ids it is matched against,
 * so text that cannot be stored cannot be searched for either.
 */
const searchText = singleLine(z.string().trim().min(1).max(200))
  .optional()
  .describe('Only items whose name or id contains this text, in any case (1-200 characters, matched literally: % and _ are not wildcards)');

export const DataSourcesQuery = z.object({
  ...PageQuery,
  status: RefreshStatus.optional().describe('Only data sources whose last refresh ended so'),
  name: nameFilter,
  q: searchText,
});
export const SegmentsQuery = z.object({ ...PageQuery, name: nameFilter, q: searchText });
export const MeasuresQuery = z.object({ ...PageQuery, name: nameFilter, q: searchText });

/** The pickers' input: no paging, the designer's dropdown shows what one call returns. */
export const ChoicesQuery = z.object({ q: searchText });
export const RefreshRunsQuery = z.object({
  ...PageQuery,
  kind: RunKind.optional().describe('full, partial or unification'),
  status: RunStatus.optional().describe('Only runs that ended so'),
  since: IsoDateTime.optional().describe('Only runs completed at or after this time'),
  until: IsoDateTime.optional().describe('Only runs completed before this time'),
});
