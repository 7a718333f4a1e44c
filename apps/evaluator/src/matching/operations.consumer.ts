import { Controller } from '@nestjs/common';
import { callbackBody, deliveryId, noticeOccurrence } from '@tripline/contracts';
import { OnTopic, TopicPublisher, tracesByValue, type Inbound, type Outbound } from '@tripline/kafka';
import { MetricsRegistry, tally } from '@tripline/metrics';
import type { Counter } from 'prom-client';
import { SubscriptionCatchUp } from '../subscriptions/subscription-catch-up';
import { TriggerSubscriptionIndex } from '../subscriptions/trigger-subscription-index';
import { noticeMatchKey, noticePayload } from './notice-triggers';

/**
 * Fires the subscription-disabled trigger from the registry's notices: one delivery request per
 * notice and subscription of that tenant, with an id derived from the notice's, so the copies of
 * one notice (a redelivered outcome, a redelivered batch) are one delivery to the dispatcher.
 * The subscription changes are caught up first: the registry publishes a disabling before its
 * notice, so the subscription disabled is no longer active here when its notice is matched.
 */
@Controller()
export class OperationsConsumer {
  /** Counted with the event triggers' firings: the same counter, trigger subscription-disabled. */
  private readonly firings: Counter<'trigger'>;

  constructor(
    private readonly publisher: TopicPublisher,
    private readonly index: TriggerSubscriptionIndex,
    private readonly catchUp: SubscriptionCatchUp,
    metrics: MetricsRegistry,
  ) {
    this.firings = metrics.counter('firings');
  }

  // Off the events' path: fuller batches, fewer round trips.
  @OnTopic('operations', { group: 'operations', lingerMs: 100 })
  async handle(batch: Array<Inbound<'operations'>>): Promise<void> {
    const notices = batch.filter((m) => m.value.kind === 'subscription.disabled');
    if (notices.length === 0) return;
    const subscriptions = await this.catchUp.read(() => this.index.matching(notices.map((m) => noticeMatchKey(m.value))));

    const requestedAt = new Date().toISOString();
    // Each request joins its own notice's trace (the registry's handling of the outcome that disabled it).
    const traces = tracesByValue(notices);
    const requests = new Map<string, Outbound<'deliveries'>>();
    for (const { value: notice } of notices) {
      for (const s of subscriptions) {
        const payload = noticePayload(notice, s);
        if (!payload) continue;
        const id = deliveryId(notice.tenantId, noticeOccurrence(notice.noticeId), s.id);
        const value = { deliveryId: id, tenantId: notice.tenantId, subscriptionId: s.id, trigger: 'subscription-disabled' as const, eventId: notice.noticeId, body: callbackBody(payload), requestedAt };
        requests.set(id, { key: s.id, value, trace: traces?.get(notice) });
      }
    }
    await this.publisher.publish('deliveries', [...requests.values()]);
    tally(this.firings, [...requests.values()], ({ value: { trigger } }) => ({ trigger }));
  }
}
