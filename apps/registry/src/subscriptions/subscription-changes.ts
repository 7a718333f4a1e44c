import { Injectable } from '@nestjs/common';
import type { Subscription, SubscriptionChanged } from '@tripline/contracts';
import { TopicPublisher } from '@tripline/kafka';

/**
 * Publishes a subscription's state to the (compacted) changes topic. The registry writes the
 * database first and publishes after; if it dies in between, the request is redelivered and the
 * state published again, which consumers absorb because they apply a version only once.
 */
@Injectable()
export class SubscriptionChanges {
  constructor(private readonly publisher: TopicPublisher) {}

  async publish(changes: Array<{ change: SubscriptionChanged['change']; subscription: Subscription }>): Promise<void> {
    await this.publisher.publish(
      'subscriptionChanges',
      changes.map((value) => ({ key: value.subscription.id, value })),
    );
  }
}
