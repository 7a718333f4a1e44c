import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { TopicConsumers, type Inbound } from '@tripline/kafka';
import { TriggerSubscriptionIndex } from './trigger-subscription-index';

export const SUBSCRIPTION_CHANGES_GROUP = 'subscription-changes';

/** Keeps the index in step with the registry. Shared by all evaluator instances (one table). */
@Injectable()
export class SubscriptionChangesConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: TopicConsumers,
    private readonly index: TriggerSubscriptionIndex,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      topic: 'subscriptionChanges',
      group: SUBSCRIPTION_CHANGES_GROUP,
      handle: (batch) => this.handle(batch),
    });
  }

  async handle(batch: Array<Inbound<'subscriptionChanges'>>): Promise<void> {
    await this.index.apply(batch.map((m) => m.value.subscription));
  }
}
