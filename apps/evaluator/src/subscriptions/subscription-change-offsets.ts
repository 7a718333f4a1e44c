import { Injectable, Logger } from '@nestjs/common';
import { KafkaConnection } from '@tripline/kafka';
import type { Admin } from 'kafkajs';
import { SUBSCRIPTION_CHANGES_GROUP } from './subscription-changes.consumer';

/** Where a partition of the subscription changes topic starts and ends (the next offset to be written). */
export interface PartitionEnds {
  partition: number;
  low: bigint;
  high: bigint;
}

/** Per partition, the offset up to which the index has applied the changes; absent: none applied yet. */
export type AppliedOffsets = ReadonlyMap<number, bigint>;

/** How far the subscription changes topic has been written, and how far the index has applied it. */
export abstract class SubscriptionChangeOffsets {
  abstract ends(): Promise<PartitionEnds[]>;
  abstract applied(): Promise<AppliedOffsets>;
}

/**
 * From the broker: the topic's ends, and the changes group's committed offsets. The group is
 * shared by every evaluator instance (they share one index table), and it commits only what the
 * table holds, so its commits say what every instance's queries can see.
 */
@Injectable()
export class KafkaSubscriptionChangeOffsets extends SubscriptionChangeOffsets {
  private readonly logger = new Logger(KafkaSubscriptionChangeOffsets.name);
  private admin?: Promise<Admin>;

  constructor(private readonly kafka: KafkaConnection) {
    super();
    kafka.onClose(async () => (await this.admin)?.disconnect());
  }

  async ends(): Promise<PartitionEnds[]> {
    const admin = await this.connected();
    const ends = await admin.fetchTopicOffsets(this.kafka.topicName('subscriptionChanges'));
    return ends.map(({ partition, low, high }) => ({ partition, low: BigInt(low), high: BigInt(high) }));
  }

  async applied(): Promise<AppliedOffsets> {
    const admin = await this.connected();
    const topic = this.kafka.topicName('subscriptionChanges');
    const [committed] = await admin.fetchOffsets({ groupId: this.kafka.groupId(SUBSCRIPTION_CHANGES_GROUP), topics: [topic] });
    return new Map((committed?.partitions ?? []).filter((p) => p.offset !== '-1').map((p) => [p.partition, BigInt(p.offset)]));
  }

  private connected(): Promise<Admin> {
    return (this.admin ??= (async () => {
      const admin = this.kafka.kafka.admin();
      await admin.connect();
      this.logger.debug('admin connected');
      return admin;
    })());
  }
}
