import { BaseRpcContext, Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { TopicId } from '@tripline/contracts';
import type { Inbound } from './inbound-message';
import type { Rejection } from './topic-consumer';

/** How a handler's consumer group reads its topic; see ConsumerSpec for what each option does. */
export interface TopicHandlerOptions {
  /** Appended to the client id: `<namespace><clientId>.<group>`. Two handlers of one service on one topic need two groups. */
  group: string;
  fromBeginning?: boolean;
  lingerMs?: number;
  partitionsConsumedConcurrently?: number;
}

/**
 * The pattern a handler is registered under: topic and group together, so one service may read
 * one topic in several groups (Nest would otherwise chain handlers of one pattern and call them
 * all for every batch).
 */
export interface TopicPattern {
  topic: TopicId;
  group: string;
}

/** What a handler gets besides its batch: where the batch comes from, the group's heartbeat, and a way to commit later. */
export class KafkaBatchContext extends BaseRpcContext<
  [topic: TopicId, group: string, heartbeat: () => Promise<void>, commitAfter: (durable: Promise<unknown>) => void]
> {
  getTopic(): TopicId {
    return this.args[0];
  }

  getGroup(): string {
    return this.args[1];
  }

  /** Keeps the group membership alive during long work. */
  heartbeat(): Promise<void> {
    return this.args[2]();
  }

  /**
   * The batch's work is durable only once `durable` resolves: its offsets are committed then,
   * while the consumer goes on fetching (see `BatchContext.commitAfter`).
   */
  commitAfter(durable: Promise<unknown>): void {
    this.args[3](durable);
  }
}

/**
 * A handler of one topic's batches: the valid messages of one fetch, decoded against the topic's
 * contract. Resolving means their work is durable (the offsets are committed after it); the
 * rejections it returns are dead-lettered; what it throws is retried or isolated as
 * `ConsumerSpec.handle` describes.
 */
export type TopicHandler<T extends TopicId> = (batch: Array<Inbound<T>>, context: KafkaBatchContext) => Promise<void | Array<Rejection<T>>>;

/**
 * Declares a method of a Nest controller as the handler of a topic, on the Kafka transport
 * (KafkaTransport). The topic picks the message type: a method whose batch is of another topic
 * does not compile.
 *
 *   @OnTopic('deliveries', { group: 'deliveries' })
 *   async handle(batch: Array<Inbound<'deliveries'>>): Promise<void> { ... }
 */
export function OnTopic<T extends TopicId>(topic: T, options: TopicHandlerOptions) {
  const { group, ...extras } = options;
  const pattern: TopicPattern = { topic, group };
  const decorate = EventPattern(pattern, extras);
  return <H extends TopicHandler<T>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<H>): void => {
    decorate(target, key, descriptor);
    // The batch first, the context second, as TopicHandler says: Nest passes only the payload by default.
    Payload()(target, key, 0);
    Ctx()(target, key, 1);
  };
}
