import { Injectable } from '@nestjs/common';
import type { OperationalEvent } from '@tripline/contracts';
import { TopicPublisher } from '@tripline/kafka';

/** Publishes the registry's operational events, keyed by tenant: one tenant's notices stay in order. */
@Injectable()
export class OperationalEvents {
  constructor(private readonly publisher: TopicPublisher) {}

  async publish(events: OperationalEvent[]): Promise<void> {
    await this.publisher.publish(
      'operations',
      events.map((value) => ({ key: value.tenantId, value })),
    );
  }
}
