import { z } from 'zod';
import { RefreshComponent, RefreshStatus, RunStatus, StepStatus } from '@tripline/contracts';

/** What the actions answer. Flat where possible, for the flow designer's dynamic content. */
export const DataSourceView = z.object({
  dataSourceId: z.string().describe('The id of the data source.'),
  name: z.string().describe('The name of the data source.'),
  lastStatus: RefreshStatus.describe('How its last refresh ended.'),
  lastRunId: z.string().describe('The id of its last refresh run.'),
  lastStartedAt: z.string().describe('When its last refresh started (ISO 8601).'),
  lastCompletedAt: z.string().describe('When its last refresh ended (ISO 8601).'),
  lastErrorCode: z.string().nullable().describe('The error code of its last refresh, if it failed.'),
  lastErrorMessage: z.string().nullable().describe('The error message of its last refresh, if it failed.'),
});
export type DataSourceView = z.infer<typeof DataSourceView>;

export const SegmentView = z.object({
  segmentId: z.string().describe('The id of the segment.'),
  name: z.string().describe('The name of the segment.'),
  memberCount: z.number().int().describe('Its member count at the last recalculation.'),
  lastRunId: z.string().nullable().describe('The recalculation run that reported it, when the producer gave one.'),
  observedAt: z.string().describe('When that count was reported (ISO 8601).'),
});
export type SegmentView = z.infer<typeof SegmentView>;

export const MeasureView = z.object({
  measureId: z.string().describe('The id of the business measure.'),
  name: z.string().describe('The name of the business measure.'),
  value: z.number().describe('Its value at the last recalculation.'),
  lastRunId: z.string().nullable().describe('The recalculation run that reported it, when the producer gave one.'),
  observedAt: z.string().describe('When that value was reported (ISO 8601).'),
});
export type MeasureView = z.infer<typeof MeasureView>;

/** At most this many choices in one answer; a tenant with more narrows them with `q`. */
export const MAX_CHOICES = 10_000;

/** One entry of a picker: what the flow stores (id) and what the designer shows (name). */
export const Choice = z.object({
  id: z.string().describe('The id the trigger parameter takes.'),
  name: z.string().describe('The name the picker shows.'),
});
export type Choice = z.infer<typeof Choice>;

export const Choices = z.object({
  choices: z.array(Choice).describe('Every match, by name (any case) then id'),
  truncated: z.boolean().describe(`True when more than ${MAX_CHOICES.toLocaleString('en-US')} matched and only the first ${MAX_CHOICES.toLocaleString('en-US')} are here; narrow with q`),
});
export type Choices = z.infer<typeof Choices>;

export const RunKind = z.enum(['full', 'partial', 'unification']);

const stage = (name: string) => z.object({ status: StepStatus.describe(`How the ${name} stage ended.`) }).describe(`The ${name} stage.`);

export const RefreshRunView = z.object({
  runId: z.string().describe('The id of the run.'),
  kind: RunKind.describe('What ran: full, partial or unification.'),
  trigger: z.enum(['scheduled', 'manual']).nullable().describe('Whether a refresh run was scheduled or started by hand; empty for unification runs.'),
  status: RunStatus.describe('How the run ended.'),
  startedAt: z.string().describe('When the run started (ISO 8601).'),
  completedAt: z.string().describe('When the run ended (ISO 8601).'),
  components: z.array(RefreshComponent).describe('What a refresh run refreshed, each with its outcome; empty for unification runs.'),
  stages: z
    .object({ map: stage('map'), match: stage('match'), merge: stage('merge') })
    .nullable()
    .describe('The stages of a unification run; empty for refresh runs.'),
});
export type RefreshRunView = z.infer<typeof RefreshRunView>;

export const StatusReport = z.object({
  generatedAt: z.string().describe('When the report was made (ISO 8601).'),
  dataSources: z
    .object({
      total: z.number().int().describe('How many data sources there are.'),
      byStatus: z.record(z.string(), z.number().int()).describe('How many data sources last ended in each status.'),
      failing: z.array(DataSourceView).describe('Data sources whose last refresh failed, timed out or was skipped.'),
    })
    .describe('The data sources, by the outcome of their last refresh.'),
  latestFullRefresh: RefreshRunView.nullable().describe('The latest full refresh run, if any.'),
  latestUnification: RefreshRunView.nullable().describe('The latest unification run, if any.'),
  recentFailedRuns: z.array(RefreshRunView).describe('Runs that did not succeed, newest first (at most 10).'),
  segmentCount: z.number().int().describe('How many segments there are.'),
  measureCount: z.number().int().describe('How many business measures there are.'),
});
export type StatusReport = z.infer<typeof StatusReport>;
