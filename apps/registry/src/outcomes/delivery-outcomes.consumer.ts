import { Controller, Logger } from '@nestjs/common';
import { OnTopic, type Inbound } from '@tripline/kafka';
import { MetricsRegistry } from '@tripline/metrics';
import type { Counter } from 'prom-client';
import { SubscriptionChanges } from '../subscriptions/subscription-changes';
import { SubscriptionStore } from '../subscriptions/subscription-store';

/**
 * Listens to what became of deliveries. A callback that answered 404 or 410 belongs to a flow
 * that no longer exists; an endpoint that kept failing for too long was given up on by the
 * dispatcher. Either way the subscription is disabled, with the reason, and stops matching.
 */
@Controller()
export class DeliveryOutcomesConsumer {
  private readonly logger = new Logger(DeliveryOutcomesConsumer.name);
  /** Subscriptions disabled by this consumer (counted when the disabling is new, so a redelivery does not count again). */
  private readonly disabledCount: Counter<'reason'>;

  constructor(
    private readonly store: SubscriptionStore,
    private readonly changes: SubscriptionChanges,
    metrics: MetricsRegistry,
  ) {
    this.disabledCount = metrics.counter('subscriptionsDisabled');
  }

  // Off the callbacks' path: fuller batches, fewer round trips.
  @OnTopic('deliveryOutcomes', { group: 'outcomes', lingerMs: 100 })
  async handle(batch: Array<Inbound<'deliveryOutcomes'>>): Promise<void> {
    // One change per subscription, its latest: many deliveries to one dead flow end in the same batch.
    const changed = new Map<string, Parameters<SubscriptionChanges['publish']>[0][number]>();
    for (const { value: outcome } of batch) {
      if (outcome.result === 'validated') {
        const validated = await this.store.validated(outcome.tenantId, outcome.subscriptionId);
        if (validated) changed.set(validated.id, { change: 'validated', subscription: validated });
        continue;
      }
      const reason =
        outcome.result === 'gone'
          ? `callback answered ${outcome.lastStatusCode ?? 'gone'}: the flow no longer exists`
          : outcome.endpointDisabledReason;
      if (!reason) continue;
      const disabled = await this.store.disable(outcome.tenantId, outcome.subscriptionId, reason);
      if (!disabled) continue;
      // Published even when it was disabled already: this batch may be a redelivery whose first handling never published it.
      changed.set(disabled.subscription.id, { change: 'disabled', subscription: disabled.subscription });
      if (disabled.changedNow) {
        this.disabledCount.inc({ reason: outcome.result === 'gone' ? 'gone' : 'failing' });
        this.logger.log(`disabled subscription ${disabled.subscription.id}: ${reason}`);
      }
    }
    await this.changes.publish([...changed.values()]);
  }
}
