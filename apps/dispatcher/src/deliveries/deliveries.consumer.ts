import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { TopicConsumers, type Inbound } from '@tripline/kafka';
import { DeliveryLog, type NewDelivery } from './delivery-log';
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
    private readonly log: DeliveryLog,
    private readonly scheduler: DeliveryScheduler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({ topic: 'deliveries', group: 'deliveries', handle: (batch) => this.handle(batch) });
  }

  async handle(batch: Array<Inbound<'deliveries'>>): Promise<void> {
    const deliveries: NewDelivery[] = batch.map(({ value: r }) => ({
      id: r.deliveryId,
      tenantId: r.tenantId,
      subscriptionId: r.subscriptionId,
      eventId: r.eventId,
      trigger: r.trigger,
      callbackUrl: r.callbackUrl,
      payload: r.payload,
    }));
    const admitted = this.scheduler.admit(deliveries);
    let opened: Awaited<ReturnType<DeliveryLog['open']>>;
    try {
      opened = await this.log.open(deliveries, new Set(admitted.map((d) => d.id)), this.scheduler.leaseMs);
    } catch (error) {
      await this.scheduler.startAdmitted(admitted, []);
      throw error;
    }
    await this.scheduler.startAdmitted(admitted, opened.claimed);
    if (opened.inserted > opened.claimed.length) this.scheduler.wake();
  }
}
