import { z } from 'zod';
import { ExternalId } from '../common';

export const TriggerName = z.enum([
  'data-source-refresh-failed',
  'data-source-refresh-succeeded',
  'segment-threshold-crossed',
  'measure-threshold-crossed',
  'full-refresh-completed',
  'unification-completed',
  'subscription-disabled',
]);
export type TriggerName = z.infer<typeof TriggerName>;
export const TRIGGER_NAMES = TriggerName.options;

const DataSourceRefreshParams = z
  .object({ dataSourceId: ExternalId.optional().describe('Only this data source; all data sources when omitted') })
  .strict();

/**
 * Each trigger's subscription parameters, validated at the gateway and again in the registry.
 * Defaults are applied before a subscription's id is derived, so leaving a parameter out and
 * giving its default value are the same subscription.
 */
export const TriggerParams = {
  'data-source-refresh-failed': DataSourceRefreshParams,
  'data-source-refresh-succeeded': DataSourceRefreshParams,
  'segment-threshold-crossed': z
    .object({
      segmentId: ExternalId.describe('The segment to watch'),
      threshold: z.number().int().min(0).describe('Fires when the member count rises above this'),
    })
    .strict(),
  'measure-threshold-crossed': z
    .object({
      measureId: ExternalId.describe('The measure to watch'),
      threshold: z.number().refine(Number.isFinite, 'must be a finite number').describe('Fires when the value rises above this'),
    })
    .strict(),
  'full-refresh-completed': z
    .object({
      includeManual: z.boolean().default(false).describe('Also fire for full refreshes started by hand, not only scheduled ones'),
    })
    .strict(),
  'unification-completed': z.object({}).strict(),
  'subscription-disabled': z
    .object({
      trigger: TriggerName.optional()
        .describe('Only when a subscription of this trigger is disabled; any trigger when omitted'),
    })
    .strict(),
} as const satisfies Record<TriggerName, z.ZodType>;
export type TriggerParamsOf<T extends TriggerName> = z.infer<(typeof TriggerParams)[T]>;

/**
 * The entity a subscription is narrowed to, if any: the evaluator indexes subscriptions by
 * (tenant, trigger, entity) so matching an event never scans unrelated subscriptions.
 */
export function subscriptionEntityId(trigger: TriggerName, params: Record<string, unknown>): string | null {
  const key = ENTITY_PARAM[trigger];
  const value = key ? params[key] : undefined;
  return typeof value === 'string' ? value : null;
}

const ENTITY_PARAM: Record<TriggerName, string | null> = {
  'data-source-refresh-failed': 'dataSourceId',
  'data-source-refresh-succeeded': 'dataSourceId',
  'segment-threshold-crossed': 'segmentId',
  'measure-threshold-crossed': 'measureId',
  'full-refresh-completed': null,
  'unification-completed': null,
  // Indexed by the disabled subscription's trigger: a filtered one is found by that entity, an unfiltered one by none.
  'subscription-disabled': 'trigger',
};
