import { ExternalId } from '@tripline/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

const count = (what: string) => z.number().int().min(0).describe(what);

export const TenantErasedAnswer = z.object({
  tenantId: z.uuid(),
  removed: z
    .object({
      apiKeys: count('API keys (gateway)'),
      tenants: count('the tenant row: 1, or 0 when it was erased before'),
      subscriptions: count('subscriptions (registry)'),
      triggerSubscriptions: count("the evaluator's index of them"),
      entityObservations: count('observations of segments and measures (evaluator)'),
      entityStates: count('last values of segments and measures (evaluator)'),
      eventEvaluations: count('the record of each evaluated event: its values and whom it fired (evaluator)'),
      dataSourceStates: count('read model: data sources (gateway)'),
      segmentStates: count('read model: segments'),
      measureStates: count('read model: measures'),
      refreshRuns: count('read model: run history'),
      deliveryAttempts: count('attempts, with what receivers answered (dispatcher)'),
      deliveries: count('deliveries, with their payloads (dispatcher)'),
      dispatchEndpoints: count('endpoints: sealed callback URLs and signing secrets (dispatcher)'),
      deadLetters: count('dead letters whose message names the tenant, with their payloads (gateway)'),
    })
    .describe('Rows removed, per kind'),
  tombstones: count('tombstones published on the compacted subscriptions topic (one per subscription)'),
});
export class TenantErasedDto extends createZodDto(TenantErasedAnswer) {}

export const EventIdParam = ExternalId.describe("The event's id, as its producer sent it");

export const EventErasedAnswer = z.object({
  eventId: z.string(),
  removed: z
    .object({
      deliveryAttempts: count('attempts at its deliveries'),
      deliveries: count('its deliveries, with their payloads (pending ones too: they are not sent any more)'),
      entityObservations: count('its observation of a segment or measure'),
      eventEvaluations: count('the record of its evaluation (0 or 1)'),
      refreshRuns: count('the run it reported, in the read model'),
      dataSourceStates: count('read-model rows it was the latest event of'),
      segmentStates: count('read-model rows it was the latest event of'),
      measureStates: count('read-model rows it was the latest event of'),
    })
    .describe("Rows removed, per kind; all zeros for an unknown id or another tenant's"),
});
export class EventErasedDto extends createZodDto(EventErasedAnswer) {}
