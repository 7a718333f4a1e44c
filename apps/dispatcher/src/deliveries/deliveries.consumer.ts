import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { TopicConsumers, type Inbound } from '@tripline/kafka';
import { DeliveryScheduler } from './delivery-scheduler';

/**
 * Takes delivery requests off Kafka into the durable schedule (one statement per batch), then
 * lets the offsets be committed: from here on Postgres, not Kafka, holds each delivery until it
 * is final. Requests that get a free slot are recorded already claimed and their first attempt
 * starts at once; the handler does not wait for any HTTP. The rest wait for the scheduler.
 */
@Injectable()
export class DeliveriesConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: TopicConsumers,
    private readonly scheduler: DeliveryScheduler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({ topic: 'deliveries', group: 'deliveries', handle: (batch) => this.handle(batch) });
  }

  async handle(batch: Array<Inbound<'deliveries'>>): Promise<void> {
    await this.scheduler.schedule(
      batch.map(({ value: r }) => ({
        id: r.deliveryId,
        tenantId: r.tenantId,
        subscriptionId: r.subscriptionId,
        eventId: r.eventId,
        trigger: r.trigger,
        payload: r.payload,
      })),
    );
  }
}
