import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { TopicConsumers, type Inbound, type Rejection } from '@tripline/kafka';
import { DeliveryScheduler } from '../deliveries/delivery-scheduler';
import { DispatchEndpoints } from './dispatch-endpoints';
import { validationDelivery } from './validation-handshake';

/**
 * Keeps the dispatcher's endpoints (sealed URLs, secrets, status) in step with the registry,
 * and sends the validation handshake to a subscription waiting for it.
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

  async handle(batch: Array<Inbound<'subscriptionChanges'>>): Promise<Array<Rejection<'subscriptionChanges'>>> {
    // A URL that does not open with this key (sealed with another, or tampered with) would fail
    // every delivery: dead-lettered with the reason, and the rest applied.
    const rejected = batch.filter((m) => !this.endpoints.opens(m.value.subscription.sealedCallbackUrl));
    const subscriptions = batch.filter((m) => !rejected.includes(m)).map((m) => m.value.subscription);
    await this.endpoints.apply(subscriptions);
    const handshakes = subscriptions.filter((s) => s.status === 'pending_validation').map(validationDelivery);
    if (handshakes.length > 0) await this.scheduler.schedule(handshakes);
    return rejected.map((message) => ({ message, reason: 'subscription.sealedCallbackUrl: cannot be opened with this TRIPLINE_SECRETS_KEY' }));
  }
}
