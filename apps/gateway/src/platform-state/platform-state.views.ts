import { z } from 'zod';
import { RefreshComponent, RefreshStatus, RunStatus, StepStatus } from '@tripline/contracts';

/** What the actions answer. Flat where possible, for Power Automate's dynamic content. */
export const DataSourceView = z.object({
  dataSourceId: z.string(),
  name: z.string(),
  lastStatus: RefreshStatus,
  lastRunId: z.string(),
  lastStartedAt: z.string(),
  lastCompletedAt: z.string(),
  lastErrorCode: z.string().nullable(),
  lastErrorMessage: z.string().nullable(),
});
export type DataSourceView = z.infer<typeof DataSourceView>;

export const SegmentView = z.object({
  segmentId: z.string(),
  name: z.string(),
  memberCount: z.number().int(),
  lastRunId: z.string().nullable(),
  observedAt: z.string(),
});
export type SegmentView = z.infer<typeof SegmentView>;

export const MeasureView = z.object({
  measureId: z.string(),
  name: z.string(),
  value: z.number(),
  lastRunId: z.string().nullable(),
  observedAt: z.string(),
});
export type MeasureView = z.infer<typeof MeasureView>;

/** At most this many choices in one answer; a tenant with more narrows them with `q`. */
export const MAX_CHOICES = 10_000;

/** One entry of a picker: what the flow stores (id) and what the designer shows (name). */
export const Choice = z.object({ id: z.string(), name: z.string() });
export type Choice = z.infer<typeof Choice>;

export const Choices = z.object({
  choices: z.array(Choice).describe('Every match, by name (any case) then id'),
  truncated: z.boolean().describe(`True when more than ${MAX_CHOICES.toLocaleString('en-US')} matched and only the first ${MAX_CHOICES.toLocaleString('en-US')} are here; narrow with q`),
});
export type Choices = z.infer<typeof Choices>;

export const RunKind = z.enum(['full', 'partial', 'unification']);

export const RefreshRunView = z.object({
  runId: z.string(),
  kind: RunKind,
  trigger: z.enum(['scheduled', 'manual']).nullable(),
  status: RunStatus,
  startedAt: z.string(),
  completedAt: z.string(),
  components: z.array(RefreshComponent),
  stages: z
    .object({ map: z.object({ status: StepStatus }), match: z.object({ status: StepStatus }), merge: z.object({ status: StepStatus }) })
    .nullable(),
});
export type RefreshRunView = z.infer<typeof RefreshRunView>;

export const StatusReport = z.object({
  generatedAt: z.string(),
  dataSources: z.object({
    total: z.number().int(),
    byStatus: z.record(z.string(), z.number().int()),
    failing: z.array(DataSourceView).describe('Data sources whose last refresh failed, timed out or was skipped'),
  }),
  latestFullRefresh: RefreshRunView.nullable(),
  latestUnification: RefreshRunView.nullable(),
  recentFailedRuns: z.array(RefreshRunView).describe('Runs that did not succeed, newest first (at most 10)'),
  segmentCount: z.number().int(),
  measureCount: z.number().int(),
});
export type StatusReport = z.infer<typeof StatusReport>;
