import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { TopicConsumers, type Inbound } from '@tripline/kafka';
import { DeliveryLog } from './delivery-log';
import { DeliveryScheduler } from './delivery-scheduler';

/**
 * Takes delivery requests off Kafka into the durable schedule (one insert per batch), then lets
 * the offsets be committed: from here on Postgres, not Kafka, holds each delivery until it is
 * final. No HTTP happens inside the Kafka handler.
 */
@Injectable()
export class DeliveriesConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: TopicConsumers,
    private readonly log: DeliveryLog,
    private readonly scheduler: DeliveryScheduler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({ topic: 'deliveries', group: 'deliveries', handle: (batch) => this.handle(batch) });
  }

  async handle(batch: Array<Inbound<'deliveries'>>): Promise<void> {
    if ((await this.log.open(batch.map((m) => m.value))) > 0) this.scheduler.wake();
  }
}
