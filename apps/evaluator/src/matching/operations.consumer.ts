import { Controller } from '@nestjs/common';
import type { DeliveryRequest } from '@tripline/contracts';
import { OnTopic, TopicPublisher, type Inbound } from '@tripline/kafka';
import { SubscriptionCatchUp } from '../subscriptions/subscription-catch-up';
import { TriggerSubscriptionIndex } from '../subscriptions/trigger-subscription-index';
import { deliveryId } from './delivery-id';
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
  constructor(
    private readonly publisher: TopicPublisher,
    private readonly index: TriggerSubscriptionIndex,
    private readonly catchUp: SubscriptionCatchUp,
  ) {}

  // Off the events' path: fuller batches, fewer round trips.
  @OnTopic('operations', { group: 'operations', lingerMs: 100 })
  async handle(batch: Array<Inbound<'operations'>>): Promise<void> {
    const notices = batch.map((m) => m.value).filter((n) => n.kind === 'subscription.disabled');
    if (notices.length === 0) return;
    const subscriptions = await this.catchUp.read(() => this.index.matching(notices.map(noticeMatchKey)));

    const requestedAt = new Date().toISOString();
    const requests = new Map<string, DeliveryRequest>();
    for (const notice of notices) {
      for (const s of subscriptions) {
        const payload = noticePayload(notice, s);
        if (!payload) continue;
        const id = deliveryId(notice.tenantId, `notice:${notice.noticeId}`, s.id);
        requests.set(id, { deliveryId: id, tenantId: notice.tenantId, subscriptionId: s.id, trigger: 'subscription-disabled', eventId: notice.noticeId, payload, requestedAt });
      }
    }
    await this.publisher.publish('deliveries', [...requests.values()].map((r) => ({ key: r.subscriptionId, value: r })));
  }
}
