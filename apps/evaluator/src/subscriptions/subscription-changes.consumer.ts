import { Controller } from '@nestjs/common';
import { OnTopic, type Inbound } from '@tripline/kafka';
import { TriggerSubscriptionIndex } from './trigger-subscription-index';

export const SUBSCRIPTION_CHANGES_GROUP = 'subscription-changes';

/** Keeps the index in step with the registry. Shared by all evaluator instances (one table). */
@Controller()
export class SubscriptionChangesConsumer {
  constructor(
    private readonly index: TriggerSubscriptionIndex,
  ) {}

  @OnTopic('subscriptionChanges', { group: SUBSCRIPTION_CHANGES_GROUP })
  async handle(batch: Array<Inbound<'subscriptionChanges'>>): Promise<void> {
    await this.index.apply(batch.map((m) => m.value.subscription));
  }
}
