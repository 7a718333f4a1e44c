import { Inject, Injectable, Logger } from '@nestjs/common';
import { KafkaConnection } from '@tripline/kafka';
import type { Admin } from 'kafkajs';
import { EVALUATOR_ENV, type EvaluatorEnv } from '../evaluator.env';
import { SUBSCRIPTION_CHANGES_GROUP } from './subscription-changes.consumer';

/**
 * Events and subscription changes arrive on different topics, so without care an event could be
 * matched before a subscription made just before it was applied: the gateway answered 201, the
 * event was accepted after that, and still nothing fires. Before matching a batch of events, the
 * evaluator waits until every subscription change published so far has been applied (the
 * changes group's committed offsets reached the topic's end). The consumer hands over a whole
 * fetch at once (TopicConsumers gathers its partitions), so that is one check per fetch.
 */
@Injectable()
export class SubscriptionCatchUp {
  private readonly logger = new Logger(SubscriptionCatchUp.name);
  private admin?: Promise<Admin>;

  constructor(
    private readonly kafka: KafkaConnection,
    @Inject(EVALUATOR_ENV) private readonly env: EvaluatorEnv,
  ) {
    kafka.onClose(async () => (await this.admin)?.disconnect());
  }

  /** Resolves once every subscription change published before this call has been applied. */
  async wait(): Promise<void> {
    const admin = await (this.admin ??= this.connect());
    const topic = this.kafka.topicName('subscriptionChanges');
    const groupId = this.kafka.groupId(SUBSCRIPTION_CHANGES_GROUP);
    const deadline = Date.now() + this.env.SUBSCRIPTION_CATCH_UP_TIMEOUT_MS;
    // Ends and commits are read side by side: both are read after this batch's events were
    // accepted, so commits at or past the ends still cover every change made before them.
    const fetchCommitted = async () => (await admin.fetchOffsets({ groupId, topics: [topic] }))[0];
    const [ends, first] = await Promise.all([admin.fetchTopicOffsets(topic), fetchCommitted()]);
    for (let committed = first; ; committed = await fetchCommitted()) {
      const behind = ends.filter(({ partition, high, low }) => {
        const offset = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
        return BigInt(offset === '-1' ? low : offset) < BigInt(high);
      });
      if (behind.length === 0) return;
      if (Date.now() > deadline) {
        throw new Error(`subscription changes not applied within ${this.env.SUBSCRIPTION_CATCH_UP_TIMEOUT_MS} ms; retrying the batch`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async connect(): Promise<Admin> {
    const admin = this.kafka.kafka.admin();
    await admin.connect();
    this.logger.debug('admin connected');
    return admin;
  }
}
