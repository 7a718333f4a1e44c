import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { TopicConsumers, type Inbound } from '@tripline/kafka';
import { DeliveryScheduler } from '../deliveries/delivery-scheduler';
import { DispatchEndpoints } from './dispatch-endpoints';
import { validationDelivery } from './validation-handshake';

/**
 * Keeps the dispatcher's endpoints (URLs, secrets, status) in step with the registry, and
 * sends the validation handshake to a subscription waiting for it.
 */
@Injectable()
export class SubscriptionChangesConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: TopicConsumers,
    private readonly endpoints: DispatchEndpoints,
    private readonly scheduler: DeliveryScheduler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({ topic: 'subscriptionChanges', group: 'endpoints', handle: (batch) => this.handle(batch) });
  }

  async handle(batch: Array<Inbound<'subscriptionChanges'>>): Promise<void> {
    const subscriptions = batch.map((m) => m.value.subscription);
    await this.endpoints.apply(subscriptions);
    const handshakes = subscriptions.filter((s) => s.status === 'pending_validation').map(validationDelivery);
    if (handshakes.length > 0) await this.scheduler.schedule(handshakes);
  }
}
