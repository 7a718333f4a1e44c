import { z } from 'zod';
import { ExternalId, IsoDateTime, TenantId } from '../common';
import { RefreshStatus } from '../events/datasource-refresh-completed';
import { RefreshComponent } from '../events/refresh-completed';
import { RunStatus, StepStatus } from '../events/run-status';

/**
 * The JSON bodies callbacks receive, one per trigger. Flat where possible: Power Automate shows
 * each top-level field as dynamic content in the flow designer. `eventId` is the producer's
 * event id; the delivery's own stable id travels in the `webhook-id` header.
 */
const common = {
  eventId: ExternalId.describe('The id the producer gave the event that fired this'),
  tenantId: TenantId.describe('The tenant (data platform instance)'),
  subscriptionId: z.uuid().describe('The subscription this callback is for'),
  occurredAt: IsoDateTime.describe('When it happened, as the producer reported it'),
};
const nullableText = (description: string) => z.string().nullable().describe(description);

export const DataSourceRefreshPayload = z.object({
  ...common,
  trigger: z.enum(['data-source-refresh-failed', 'data-source-refresh-succeeded']),
  dataSourceId: ExternalId,
  dataSourceName: z.string(),
  runId: ExternalId,
  status: RefreshStatus,
  startedAt: IsoDateTime,
  completedAt: IsoDateTime,
  errorCode: nullableText('Error code of a failed refresh'),
  errorMessage: nullableText('Error message of a failed refresh'),
});
export type DataSourceRefreshPayload = z.infer<typeof DataSourceRefreshPayload>;

export const SegmentThresholdCrossedPayload = z.object({
  ...common,
  trigger: z.literal('segment-threshold-crossed'),
  segmentId: ExternalId,
  segmentName: z.string(),
  threshold: z.number().int().describe('The subscription\'s threshold'),
  previousValue: z.number().int().describe('Member count before: at or below the threshold'),
  newValue: z.number().int().describe('Member count now: above the threshold'),
  runId: nullableText('The recalculation run, when the producer gave one'),
});
export type SegmentThresholdCrossedPayload = z.infer<typeof SegmentThresholdCrossedPayload>;

export const MeasureThresholdCrossedPayload = z.object({
  ...common,
  trigger: z.literal('measure-threshold-crossed'),
  measureId: ExternalId,
  measureName: z.string(),
  threshold: z.number().describe('The subscription\'s threshold'),
  previousValue: z.number().describe('Value before: at or below the threshold'),
  newValue: z.number().describe('Value now: above the threshold'),
  runId: nullableText('The recalculation run, when the producer gave one'),
});
export type MeasureThresholdCrossedPayload = z.infer<typeof MeasureThresholdCrossedPayload>;

export const FullRefreshCompletedPayload = z.object({
  ...common,
  trigger: z.literal('full-refresh-completed'),
  runId: ExternalId,
  runTrigger: z.enum(['scheduled', 'manual']).describe('Whether the run was scheduled or started by hand'),
  status: RunStatus,
  startedAt: IsoDateTime,
  completedAt: IsoDateTime,
  componentCount: z.number().int().describe('Components the run refreshed'),
  failedComponentCount: z.number().int().describe('Components that did not succeed'),
  components: z
    .array(RefreshComponent)
    .describe('Each data source, unification, segment and measure, with its outcome; when the run had too many to list, those that did not succeed come first'),
  componentsTruncated: z
    .boolean()
    .default(false)
    .describe('Whether the run had more components than are listed here (the counts cover them all; the refresh runs action lists every one)'),
});
export type FullRefreshCompletedPayload = z.infer<typeof FullRefreshCompletedPayload>;

export const UnificationCompletedPayload = z.object({
  ...common,
  trigger: z.literal('unification-completed'),
  runId: ExternalId,
  status: RunStatus,
  startedAt: IsoDateTime,
  completedAt: IsoDateTime,
  mapStatus: StepStatus,
  matchStatus: StepStatus,
  mergeStatus: StepStatus,
});
export type UnificationCompletedPayload = z.infer<typeof UnificationCompletedPayload>;

/** Each trigger's callback body. */
export const TriggerPayloads = {
  'data-source-refresh-failed': DataSourceRefreshPayload,
  'data-source-refresh-succeeded': DataSourceRefreshPayload,
  'segment-threshold-crossed': SegmentThresholdCrossedPayload,
  'measure-threshold-crossed': MeasureThresholdCrossedPayload,
  'full-refresh-completed': FullRefreshCompletedPayload,
  'unification-completed': UnificationCompletedPayload,
} as const;

export const TriggerPayload = z.union([
  DataSourceRefreshPayload,
  SegmentThresholdCrossedPayload,
  MeasureThresholdCrossedPayload,
  FullRefreshCompletedPayload,
  UnificationCompletedPayload,
]);
export type TriggerPayload = z.infer<typeof TriggerPayload>;
