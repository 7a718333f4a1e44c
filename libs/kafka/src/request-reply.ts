import { ServiceUnavailableException } from '@nestjs/common';
import type { MessageInput, MessageOf, TopicId } from '@tripline/contracts';
import { randomUUID } from 'node:crypto';
import type { KafkaConnection } from './kafka-connection';
import type { TopicConsumers } from './topic-consumer';
import type { TopicPublisher } from './topic-publisher';

type Reply = { requestId: string; replyTo: string; outcome: unknown };

interface Pending {
  resolve(outcome: unknown): void;
  timer: NodeJS.Timeout;
}

/**
 * Asks a service over Kafka and waits for its answer: the request carries a request id and
 * this instance's id, the service answers on a reply topic. Each instance reads every reply in
 * a consumer group of its own and keeps the ones addressed to it; it starts at the end offsets
 * taken before it joined, so no answer to a request it sent can be missed. Past `timeoutMs`,
 * the caller gets a 503 (the request may still take effect: asks must be idempotent).
 */
export class RequestReplyClient<Req extends TopicId, Rep extends TopicId> {
  private readonly instanceId = `${randomUUID()}`;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly consumers: TopicConsumers,
    private readonly publisher: TopicPublisher,
    private readonly topics: { requests: Req; replies: Rep; answeredBy: string },
    private readonly timeoutMs: number,
  ) {}

  async start(): Promise<void> {
    const ends = await this.kafka.endOffsets(this.topics.replies);
    const consumer = await this.consumers.start({
      topic: this.topics.replies,
      group: `replies.${this.instanceId}`,
      fromBeginning: false,
      partitionsConsumedConcurrently: ends.length,
      // A caller is waiting on every reply.
      lingerMs: 0,
      handle: async (replies) => this.settle(replies.map((r) => r.value as unknown as Reply)),
    });
    const topic = this.kafka.topicName(this.topics.replies);
    for (const { partition, high } of ends) consumer.seek({ topic, partition, offset: high });
  }

  stop(): void {
    for (const [, pending] of this.pending) clearTimeout(pending.timer);
    this.pending.clear();
  }

  async ask<O = (MessageOf<Rep> & Reply)['outcome']>(question: { tenantId: string } & Record<string, unknown>): Promise<O> {
    const requestId = randomUUID();
    const answer = new Promise<O>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(
          new ServiceUnavailableException({
            error: 'unavailable',
            message: `the ${this.topics.answeredBy} did not answer within ${this.timeoutMs} ms; retry the request`,
          }),
        );
      }, this.timeoutMs);
      this.pending.set(requestId, { resolve: resolve as (o: unknown) => void, timer });
    });
    try {
      const value = { ...question, requestId, replyTo: this.instanceId } as unknown as MessageInput<Req>;
      await this.publisher.publish(this.topics.requests, [{ key: question.tenantId, value }]);
    } catch (error) {
      clearTimeout(this.pending.get(requestId)?.timer);
      this.pending.delete(requestId);
      throw error;
    }
    return answer;
  }

  private settle(replies: Reply[]): void {
    for (const reply of replies) {
      if (reply.replyTo !== this.instanceId) continue;
      const pending = this.pending.get(reply.requestId);
      if (!pending) continue; // answered after the caller gave up
      clearTimeout(pending.timer);
      this.pending.delete(reply.requestId);
      pending.resolve(reply.outcome);
    }
  }
}
