import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { MessageInput, MessageOf, TopicId } from '@tripline/contracts';
import { randomUUID } from 'node:crypto';
import { lastValueFrom } from 'rxjs';
import type { KafkaConnection } from './kafka-connection';
import type { TopicConsumers } from './topic-consumer';
import type { TopicPublisher } from './topic-publisher';

type Reply = { requestId: string; replyTo: string; outcome: unknown };

/** What a request carries before the client adds its request id and reply address. */
export type Question<Req extends TopicId> = MessageInput<Req> extends infer R ? (R extends { tenantId: string } ? Omit<R, 'requestId' | 'replyTo'> : never) : never;
/** What the answering service replies. */
export type Outcome<Rep extends TopicId> = (MessageOf<Rep> & Reply)['outcome'];

export interface RequestRoute<Req extends TopicId, Rep extends TopicId> {
  requests: Req;
  replies: Rep;
  /** Names the answering service in the timeout's message. */
  answeredBy: string;
  /** How long a request waits for its answer before it fails with RequestTimedOut. */
  timeoutMs: number;
}

/**
 * The answering service did not answer in time. The request may still take effect (asks must be
 * idempotent); an HTTP edge answers 503, retry later.
 */
export class RequestTimedOut extends Error {
  override readonly name = 'RequestTimedOut';

  constructor(
    readonly answeredBy: string,
    readonly timeoutMs: number,
  ) {
    super(`the ${answeredBy} did not answer within ${timeoutMs} ms; retry the request`);
  }
}

interface Pending {
  callback(packet: WritePacket): void;
  timer: NodeJS.Timeout;
}

/**
 * Asks a service over Kafka and waits for its answer, as a Nest ClientProxy: `send(requests,
 * question)` publishes the question with a request id and this instance's id, the service
 * answers on a reply topic. Each instance reads every reply in a consumer group of its own and
 * keeps the ones addressed to it; it starts at the end offsets taken before it joined, so no
 * answer to a request it sent can be missed. Past `timeoutMs`, `send` fails with RequestTimedOut.
 *
 * Not Nest's ClientKafka: it routes a reply by partition (each instance is assigned some of the
 * reply topic's partitions), so no instance beyond the partition count gets any answer.
 */
export class KafkaRequestClient<Req extends TopicId, Rep extends TopicId> extends ClientProxy implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly instanceId = randomUUID();
  private readonly pending = new Map<string, Pending>();
  private started?: Promise<void>;

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly consumers: TopicConsumers,
    private readonly publisher: TopicPublisher,
    readonly route: RequestRoute<Req, Rep>,
  ) {
    super();
  }

  /** Joined at boot rather than at the first request: the replies consumer counts for readiness. */
  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  onApplicationShutdown(): void {
    this.close();
  }

  connect(): Promise<void> {
    return (this.started ??= this.startReplies().catch((error: unknown) => {
      this.started = undefined;
      throw error;
    }));
  }

  close(): void {
    for (const [, pending] of this.pending) clearTimeout(pending.timer);
    this.pending.clear();
  }

  unwrap<T>(): T {
    return this.consumers as T;
  }

  /** The typed way to `send`: one question, its outcome. */
  ask<O = Outcome<Rep>>(question: Question<Req>): Promise<O> {
    return lastValueFrom(this.send<O, Question<Req>>(this.route.requests, question));
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    if (packet.pattern !== this.route.requests) {
      callback({ err: new Error(`this client sends to ${this.route.requests}, not ${String(packet.pattern)}`), isDisposed: true });
      return () => undefined;
    }
    const question = packet.data as { tenantId: string };
    const requestId = randomUUID();
    const timer = setTimeout(() => {
      if (this.pending.delete(requestId)) callback({ err: new RequestTimedOut(this.route.answeredBy, this.route.timeoutMs), isDisposed: true });
    }, this.route.timeoutMs);
    this.pending.set(requestId, { callback, timer });
    // Object.assign, not a leading spread then properties: those are slow on Node.js 20's V8.
    const value = Object.assign({}, question, { requestId, replyTo: this.instanceId }) as unknown as MessageInput<Req>;
    this.publisher.publish(this.route.requests, [{ key: question.tenantId, value }]).catch((error: unknown) => {
      if (this.forget(requestId)) callback({ err: error, isDisposed: true });
    });
    // Unsubscribing (after the answer, or by a caller who stopped waiting) stops the wait.
    return () => void this.forget(requestId);
  }

  protected dispatchEvent<T>(packet: ReadPacket): Promise<T> {
    return Promise.reject(new Error(`${String(packet.pattern)}: this client only asks; publish events with TopicPublisher`));
  }

  private async startReplies(): Promise<void> {
    const ends = await this.kafka.endOffsets(this.route.replies);
    const consumer = await this.consumers.start({
      topic: this.route.replies,
      group: `replies.${this.instanceId}`,
      fromBeginning: false,
      partitionsConsumedConcurrently: ends.length,
      // A caller is waiting on every reply.
      lingerMs: 0,
      handle: async (replies) => this.settle(replies.map((r) => r.value as unknown as Reply)),
    });
    const topic = this.kafka.topicName(this.route.replies);
    for (const { partition, high } of ends) consumer.seek({ topic, partition, offset: high });
  }

  private forget(requestId: string): boolean {
    const pending = this.pending.get(requestId);
    if (!pending) return false;
    clearTimeout(pending.timer);
    return this.pending.delete(requestId);
  }

  private settle(replies: Reply[]): void {
    for (const reply of replies) {
      if (reply.replyTo !== this.instanceId) continue;
      const pending = this.pending.get(reply.requestId);
      if (!pending) continue; // answered after the caller gave up
      this.forget(reply.requestId);
      pending.callback({ response: reply.outcome, isDisposed: true });
    }
  }
}
