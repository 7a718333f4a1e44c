import { Controller, Logger } from '@nestjs/common';
import type { SubscriptionDisabled } from '@tripline/contracts';
import { OnTopic, type Inbound } from '@tripline/kafka';
import { MetricsRegistry } from '@tripline/metrics';
import type { Counter } from 'prom-client';
import { disablingOf, subscriptionDisabledNotice } from '../operations/disabled-notice';
import { OperationalEvents } from '../operations/operational-events';
import { SubscriptionChanges } from '../subscriptions/subscription-changes';
import { SubscriptionStore } from '../subscriptions/subscription-store';

/**
 * Listens to what became of deliveries. A callback that answered 404 or 410 belongs to a flow
 * that no longer exists; an endpoint that kept failing for too long was given up on by the
 * dispatcher. Either way the subscription is disabled, with the reason, and stops matching;
 * and the tenant is told, through a notice on the operations topic.
 */
@Controller()
export class DeliveryOutcomesConsumer {
  private readonly logger = new Logger(DeliveryOutcomesConsumer.name);
  /** Subscriptions disabled by this consumer (counted when the disabling is new, so a redelivery does not count again). */
  private readonly disabledCount: Counter<'reason'>;

  constructor(
    private readonly store: SubscriptionStore,
    private readonly changes: SubscriptionChanges,
    private readonly operations: OperationalEvents,
    metrics: MetricsRegistry,
  ) {
    this.disabledCount = metrics.counter('subscriptionsDisabled');
  }

  // Off the callbacks' path: fuller batches, fewer round trips.
  @OnTopic('deliveryOutcomes', { group: 'outcomes', lingerMs: 100 })
  async handle(batch: Array<Inbound<'deliveryOutcomes'>>): Promise<void> {
    // One change per subscription, its latest: many deliveries to one dead flow end in the same batch.
    const changed = new Map<string, Parameters<SubscriptionChanges['publish']>[0][number]>();
    const notices = new Map<string, SubscriptionDisabled>();
    for (const { value: outcome } of batch) {
      if (outcome.result === 'validated') {
        const validated = await this.store.validated(outcome.tenantId, outcome.subscriptionId);
        if (validated) changed.set(validated.id, { change: 'validated', subscription: validated });
        continue;
      }
      // Most outcomes disable nothing (a failed or cancelled delivery of a healthy endpoint): no read for them.
      if (outcome.result !== 'gone' && !outcome.endpointDisabledReason) continue;
      const current = await this.store.get(outcome.tenantId, outcome.subscriptionId);
      const disabling = current && disablingOf(outcome, current.status);
      if (!disabling) continue;
      const disabled = await this.store.disable(outcome.tenantId, outcome.subscriptionId, disabling.reasonText, (s) =>
        subscriptionDisabledNotice(s, disabling, outcome),
      );
      if (!disabled) continue;
      // Published even when it was disabled already: this batch may be a redelivery whose first handling never published it.
      changed.set(disabled.subscription.id, { change: 'disabled', subscription: disabled.subscription });
      // The notice again only for the outcome that disabled it (a redelivery: the same notice, the same id);
      // later outcomes of deliveries to the same dead flow tell nobody anything new.
      if (disabled.notice && disabled.notice.deliveryId === outcome.deliveryId) notices.set(disabled.notice.noticeId, disabled.notice);
      if (disabled.changedNow) {
        this.disabledCount.inc({ reason: disabling.reason });
        this.logger.log(`disabled subscription ${disabled.subscription.id}: ${disabling.reasonText}`);
      }
    }
    // The change first: whoever acts on the notice finds the subscription disabled.
    await this.changes.publish([...changed.values()]);
    await this.operations.publish([...notices.values()]);
  }
}
