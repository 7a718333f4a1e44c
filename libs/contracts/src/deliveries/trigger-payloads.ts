import { z } from 'zod';
import { ExternalId, IsoDateTime, TenantId } from '../common';
import { RefreshStatus } from '../events/datasource-refresh-completed';
import { RefreshComponent } from '../events/refresh-completed';
import { RunStatus, StepStatus } from '../events/run-status';
import { DisabledReason } from '../operations/operational-event';
import { TriggerName } from '../subscriptions/triggers';

/**
 * The JSON bodies callbacks receive, one per trigger. Flat where possible: Power Automate shows
 * each top-level field as dynamic content in the flow designer. `eventId` is the producer's
 * event id; the delivery's own stable id travels in the `webhook-id` header.
 */
const common = {
  eventId: ExternalId.describe('The id the producer gave the event that fired this callback.'),
  tenantId: TenantId.describe('The tenant (data platform instance) the event belongs to.'),
  subscriptionId: z.uuid().describe('The subscription this callback is for.'),
  occurredAt: IsoDateTime.describe('When it happened, as the producer reported it (ISO 8601).'),
};
const nullableText = (description: string) => z.string().nullable().describe(description);

export const DataSourceRefreshPayload = z.object({
  ...common,
  trigger: z.enum(['data-source-refresh-failed', 'data-source-refresh-succeeded']).describe('The trigger that fired.'),
  dataSourceId: ExternalId.describe('The id of the data source that was refreshed.'),
  dataSourceName: z.string().describe('The name of the data source.'),
  runId: ExternalId.describe('The id of the refresh run.'),
  status: RefreshStatus.describe('How the refresh ended: succeeded, failed, timed_out or skipped.'),
  startedAt: IsoDateTime.describe('When the refresh started (ISO 8601).'),
  completedAt: IsoDateTime.describe('When the refresh ended (ISO 8601).'),
  errorCode: nullableText('The error code of a failed refresh; empty otherwise.'),
  errorMessage: nullableText('The error message of a failed refresh; empty otherwise.'),
});
export type DataSourceRefreshPayload = z.infer<typeof DataSourceRefreshPayload>;

export const SegmentThresholdCrossedPayload = z.object({
  ...common,
  trigger: z.literal('segment-threshold-crossed').describe('The trigger that fired.'),
  segmentId: ExternalId.describe('The id of the segment.'),
  segmentName: z.string().describe('The name of the segment.'),
  threshold: z.number().int().describe('The threshold the flow set.'),
  previousValue: z.number().int().describe('The member count before: at or below the threshold.'),
  newValue: z.number().int().describe('The member count now: above the threshold.'),
  runId: nullableText('The recalculation run, when the producer gave one; empty otherwise.'),
});
export type SegmentThresholdCrossedPayload = z.infer<typeof SegmentThresholdCrossedPayload>;

export const MeasureThresholdCrossedPayload = z.object({
  ...common,
  trigger: z.literal('measure-threshold-crossed').describe('The trigger that fired.'),
  measureId: ExternalId.describe('The id of the business measure.'),
  measureName: z.string().describe('The name of the business measure.'),
  threshold: z.number().describe('The threshold the flow set.'),
  previousValue: z.number().describe('The value before: at or below the threshold.'),
  newValue: z.number().describe('The value now: above the threshold.'),
  runId: nullableText('The recalculation run, when the producer gave one; empty otherwise.'),
});
export type MeasureThresholdCrossedPayload = z.infer<typeof MeasureThresholdCrossedPayload>;

export const FullRefreshCompletedPayload = z.object({
  ...common,
  trigger: z.literal('full-refresh-completed').describe('The trigger that fired.'),
  runId: ExternalId.describe('The id of the full refresh run.'),
  runTrigger: z.enum(['scheduled', 'manual']).describe('Whether the run was scheduled or started by hand.'),
  status: RunStatus.describe('How the run ended: succeeded, partially_succeeded, failed, timed_out or cancelled.'),
  startedAt: IsoDateTime.describe('When the run started (ISO 8601).'),
  completedAt: IsoDateTime.describe('When the run ended (ISO 8601).'),
  componentCount: z.number().int().describe('How many components the run refreshed.'),
  failedComponentCount: z.number().int().describe('How many components did not succeed.'),
  components: z
    .array(RefreshComponent)
    .describe('Each data source, unification, segment and measure, with its outcome; when the run had too many to list, those that did not succeed come first.'),
  componentsTruncated: z
    .boolean()
    .default(false)
    .describe('Whether the run had more components than are listed here (the counts cover them all; the refresh runs action lists every one).'),
});
export type FullRefreshCompletedPayload = z.infer<typeof FullRefreshCompletedPayload>;

export const UnificationCompletedPayload = z.object({
  ...common,
  trigger: z.literal('unification-completed').describe('The trigger that fired.'),
  runId: ExternalId.describe('The id of the unification run.'),
  status: RunStatus.describe('How the run ended: succeeded, partially_succeeded, failed, timed_out or cancelled.'),
  startedAt: IsoDateTime.describe('When the run started (ISO 8601).'),
  completedAt: IsoDateTime.describe('When the run ended (ISO 8601).'),
  mapStatus: StepStatus.describe('How the map stage ended: succeeded, failed, timed_out or skipped.'),
  matchStatus: StepStatus.describe('How the match stage ended: succeeded, failed, timed_out or skipped.'),
  mergeStatus: StepStatus.describe('How the merge stage ended: succeeded, failed, timed_out or skipped.'),
});
export type UnificationCompletedPayload = z.infer<typeof UnificationCompletedPayload>;

export const SubscriptionDisabledPayload = z.object({
  ...common,
  eventId: z.uuid().describe('The id of the notice: every copy of one disabling carries the same one.'),
  occurredAt: IsoDateTime.describe('When the subscription was disabled (ISO 8601).'),
  trigger: z.literal('subscription-disabled').describe('The trigger that fired.'),
  disabledSubscriptionId: z.uuid().describe('The id of the subscription that was disabled.'),
  disabledTrigger: TriggerName.describe('The trigger of the subscription that was disabled.'),
  operationsWebhook: z.boolean().describe("Whether the subscription disabled is the tenant's operations webhook."),
  callbackUrl: z.string().describe('Its callback URL, every query value replaced by REDACTED.'),
  reason: DisabledReason.describe('Why: gone (the callback answered 404 or 410), failing (it failed for too long without a success) or handshake-failed.'),
  reasonText: z.string().describe('Why, in a sentence, as the subscription shows it.'),
  lastStatusCode: z.number().int().nullable().describe('The HTTP status of the last attempt; empty when it got no answer.'),
  lastError: nullableText('The error of the last attempt (time-out, refused...); empty when it got an answer.'),
  failingSince: IsoDateTime.nullable().describe('When its failures began (reason failing); empty otherwise.'),
});
export type SubscriptionDisabledPayload = z.infer<typeof SubscriptionDisabledPayload>;

/** Each trigger's callback body. */
export const TriggerPayloads = {
  'data-source-refresh-failed': DataSourceRefreshPayload,
  'data-source-refresh-succeeded': DataSourceRefreshPayload,
  'segment-threshold-crossed': SegmentThresholdCrossedPayload,
  'measure-threshold-crossed': MeasureThresholdCrossedPayload,
  'full-refresh-completed': FullRefreshCompletedPayload,
  'unification-completed': UnificationCompletedPayload,
  'subscription-disabled': SubscriptionDisabledPayload,
} as const;

export const TriggerPayload = z.union([
  DataSourceRefreshPayload,
  SegmentThresholdCrossedPayload,
  MeasureThresholdCrossedPayload,
  FullRefreshCompletedPayload,
  UnificationCompletedPayload,
  SubscriptionDisabledPayload,
]);
export type TriggerPayload = z.infer<typeof TriggerPayload>;
