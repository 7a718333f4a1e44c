import { Injectable } from '@nestjs/common';
import { eventPartitionKey, type AcceptedEvent, type EventInput } from '@tripline/contracts';
import { TopicPublisher } from '@tripline/kafka';

/**
 * The one way into the pipeline, for HTTP and Kafka alike: stamps the tenant and the time of
 * receipt and publishes to the events topic, keyed by tenant and entity so that one entity's
 * events stay in order. Resolves only when Kafka acknowledged every event (acks=all).
 */
@Injectable()
export class EventIntake {
  constructor(private readonly publisher: TopicPublisher) {}

  async accept(tenantId: string, events: readonly EventInput[], source: AcceptedEvent['source']): Promise<number> {
    const receivedAt = new Date().toISOString();
    const accepted: AcceptedEvent[] = events.map((event) => ({ ...event, tenantId, receivedAt, source }));
    await this.publisher.publish(
      'events',
      accepted.map((event) => ({ key: eventPartitionKey(event), value: event })),
    );
    return accepted.length;
  }
}
