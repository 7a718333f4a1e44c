import { Controller } from '@nestjs/common';
import { KafkaBatchContext, OnTopic, type Inbound } from '@tripline/kafka';
import { traceparentOf } from '@tripline/tracing';
import { DeliveryScheduler } from './delivery-scheduler';

/**
 * Takes delivery requests off Kafka into the durable schedule, then lets the offsets be
 * committed: from there on Postgres, not Kafka, holds each delivery until it is final. Requests
 * that get a free slot are attempted at once, most of them before they are recorded (see
 * DeliveryScheduler.take): the handler returns once each is recorded or its attempt started,
 * and the batch's offsets are committed once each delivery is durable, with its outcome or
 * pending, never later than DISPATCH_RECORD_AFTER after its attempt started. The rest wait for
 * the scheduler.
 *
 * A request's URL, if it carries one, is not used: a callback goes only to its subscription's
 * endpoint as the registry announced it, so whoever can write to this topic cannot choose where
 * a signed body is sent.
 */
@Controller()
export class DeliveriesConsumer {
  constructor(
    private readonly scheduler: DeliveryScheduler,
  ) {}

  @OnTopic('deliveries', { group: 'deliveries' })
  async handle(batch: Array<Inbound<'deliveries'>>, context: KafkaBatchContext): Promise<void> {
    const { durable } = await this.scheduler.take(
      batch.map(({ value: r, trace }) => ({
        id: r.deliveryId,
        tenantId: r.tenantId,
        subscriptionId: r.subscriptionId,
        eventId: r.eventId,
        trigger: r.trigger,
        body: r.body,
        // Kept with the delivery: its attempts, however late and wherever made, join this trace.
        traceparent: trace ? traceparentOf(trace) : null,
      })),
      () => context.heartbeat(),
    );
    // The next fetch need not wait for these callbacks' outcomes to be written: only the commit does.
    context.commitAfter(durable);
  }
}
