import { Injectable } from '@nestjs/common';
import { KafkaConnection } from '@tripline/kafka';
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
  constructor(private readonly kafka: KafkaConnection) {
    super();
  }

  ends(): Promise<PartitionEnds[]> {
    return this.kafka.partitionEnds('subscriptionChanges');
  }

  applied(): Promise<AppliedOffsets> {
    return this.kafka.committedOffsets('subscriptionChanges', SUBSCRIPTION_CHANGES_GROUP);
  }
}
