import type { z } from 'zod';
import { TriggerPayloads } from '../deliveries/trigger-payloads';
import type { EventType } from '../events/envelope';
import type { OperationalEventKind } from '../operations/operational-event';
import { TriggerParams, type TriggerName } from './triggers';

export interface TriggerDefinition {
  name: TriggerName;
  /** Shown as the trigger's name in the flow designer. */
  summary: string;
  description: string;
  /** The event type that can fire it, or the operational event (the registry's, on the operations topic). */
  firedBy: EventType | OperationalEventKind;
  params: z.ZodType;
  payload: z.ZodType;
}

const entries: Array<Omit<TriggerDefinition, 'params' | 'payload'>> = [
  {
    name: 'data-source-refresh-failed',
    summary: 'When a data source refresh fails',
    description:
      'Fires when a data source refresh ends in failure: failed, timed out or skipped. A refresh the platform is still retrying has not failed and fires nothing.',
    firedBy: 'datasource.refresh.completed',
  },
  {
    name: 'data-source-refresh-succeeded',
    summary: 'When a data source refresh succeeds',
    description: 'Fires when a data source refresh succeeds.',
    firedBy: 'datasource.refresh.completed',
  },
  {
    name: 'segment-threshold-crossed',
    summary: 'When a segment crosses a threshold',
    description:
      'Fires when a segment\'s member count rises above the threshold: the previous count was at or below it and the new one is above it (equal is not above). Fires once per crossing; fires again only after the count has gone back to or below the threshold. The first count ever seen for a segment is its baseline and fires nothing.',
    firedBy: 'segment.refreshed',
  },
  {
    name: 'measure-threshold-crossed',
    summary: 'When a business measure crosses a threshold',
    description:
      'Fires when a measure\'s value rises above the threshold: the previous value was at or below it and the new one is above it (equal is not above). Fires once per crossing; fires again only after the value has gone back to or below the threshold. The first value ever seen for a measure is its baseline and fires nothing.',
    firedBy: 'measure.refreshed',
  },
  {
    name: 'full-refresh-completed',
    summary: 'When a full refresh completes',
    description:
      'Fires once per completed full refresh run, with the outcome of each data source, unification, segment and measure in it. Scheduled runs only, unless includeManual is true.',
    firedBy: 'refresh.completed',
  },
  {
    name: 'unification-completed',
    summary: 'When a unification refresh completes',
    description: 'Fires once per completed unification run (map, match, merge), with the status of the run and of each stage.',
    firedBy: 'unification.completed',
  },
  {
    name: 'subscription-disabled',
    summary: 'When a subscription is disabled',
    description:
      "Fires when one of the tenant's subscriptions stops receiving: its callback answered 404 or 410 (the flow was deleted), it failed for too long without a success, or it never answered the validation handshake. Fires once per disabling, with the reason and the last status or error. Only for a trigger when one is given. When a subscription of this trigger is disabled, it tells the operations webhook only; when the operations webhook is disabled, it tells these flows only, so they never tell each other.",
    firedBy: 'subscription.disabled',
  },
];

/** Every trigger, its parameters and its callback payload: the source of the connector's definitions. */
export const TRIGGER_CATALOGUE: readonly TriggerDefinition[] = entries.map((entry) => ({
  ...entry,
  params: TriggerParams[entry.name],
  payload: TriggerPayloads[entry.name],
}));
