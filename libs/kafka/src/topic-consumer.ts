import { Injectable, Logger } from '@nestjs/common';
import type { DeadLetter, TopicId } from '@tripline/contracts';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { deadLetterFor } from './dead-letters';
import { decode, type Inbound } from './inbound-message';
import { KafkaConnection } from './kafka-connection';
import { TopicPublisher } from './topic-publisher';

/** A message the handler refuses for good (it would fail the same way every time). */
export interface Rejection<T extends TopicId> {
  message: Inbound<T>;
  reason: string;
}

export interface BatchContext {
  /** Keeps the group membership alive during long work. */
  heartbeat(): Promise<void>;
}

export interface ConsumerSpec<T extends TopicId> {
  topic: T;
  /** Appended to the client id: `<namespace><clientId>.<group>`. */
  group: string;
  /** Where a group with no committed offset starts. Services start at the beginning: lose nothing. */
  fromBeginning?: boolean;
  partitionsConsumedConcurrently?: number;
  /**
   * Handles valid messages of one partition, in order. Resolving means their work is durable;
   * the offsets are committed after that. Throwing means "not now" (e.g. the database is down):
   * nothing is committed and the batch is fetched again.
   */
  handle(messages: Array<Inbound<T>>, context: BatchContext): Promise<void | Array<Rejection<T>>>;
}

interface ConsumerState {
  consumer: Consumer;
  joined: boolean;
  crashed: boolean;
  /** The service is shutting down: do not rebuild. */
  closed: boolean;
}

/**
 * Runs consumers the same way everywhere: batch consumption, contract validation, dead letters
 * for what cannot be processed, and offsets committed only after the work they stand for.
 */
@Injectable()
export class TopicConsumers {
  private readonly logger = new Logger(TopicConsumers.name);
  private readonly running = new Map<string, ConsumerState>();

  constructor(
    private readonly connection: KafkaConnection,
    private readonly publisher: TopicPublisher,
  ) {}

  async start<T extends TopicId>(spec: ConsumerSpec<T>): Promise<Consumer> {
    const groupId = this.connection.groupId(spec.group);
    const state: ConsumerState = { consumer: this.create(groupId), joined: false, crashed: false, closed: false };
    this.running.set(groupId, state);
    this.connection.onClose(async () => {
      state.closed = true;
      await state.consumer.disconnect();
      this.running.delete(groupId);
    });
    await this.run(spec, groupId, state);
    return state.consumer;
  }

  private create(groupId: string): Consumer {
    return this.connection.kafka.consumer({
      groupId,
      // A crashed instance's partitions move to the survivors after this, not after 30 s.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 20_000,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
    });
  }

  private async run<T extends TopicId>(spec: ConsumerSpec<T>, groupId: string, state: ConsumerState): Promise<void> {
    const consumer = state.consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      state.joined = true;
      state.crashed = false;
    });
    consumer.on(consumer.events.CRASH, (event) => {
      state.crashed = true;
      this.logger.error(`consumer ${groupId} crashed: ${event.payload.error.message}`);
      // kafkajs restarts a consumer after retriable errors only. After others (seen when the
      // broker restarts: "Failed to find group coordinator") it would stay stopped for good,
      // leaving the service up but deaf: build a new consumer instead, until one runs.
      if (!event.payload.restart && !state.closed) void this.rebuild(spec, groupId, state);
    });
    consumer.on(consumer.events.STOP, () => (state.joined = false));
    await consumer.connect();
    await consumer.subscribe({ topic: this.connection.topicName(spec.topic), fromBeginning: spec.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // kafkajs fetches again only once every batch of the last fetch is handled: handling them
      // all at once (a batch per partition) keeps a message's wait to one round, not several.
      partitionsConsumedConcurrently: spec.partitionsConsumedConcurrently ?? this.connection.options.topicPartitions,
      eachBatch: (payload) => this.processBatch(spec, groupId, consumer, payload),
    });
  }

  private async rebuild<T extends TopicId>(spec: ConsumerSpec<T>, groupId: string, state: ConsumerState): Promise<void> {
    for (let attempt = 1; !state.closed; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000 * attempt, 10_000)));
      if (state.closed) return;
      try {
        await state.consumer.disconnect().catch(() => undefined);
        state.consumer = this.create(groupId);
        state.joined = false;
        await this.run(spec, groupId, state);
        this.logger.warn(`consumer ${groupId} rebuilt after a crash kafkajs would not recover from`);
        return;
      } catch (error) {
        this.logger.error(`rebuilding consumer ${groupId} failed (attempt ${attempt}): ${(error as Error).message}`);
      }
    }
  }

  /** Ready once every consumer has joined its group and none has crashed for good. */
  get ready(): boolean {
    return [...this.running.values()].every((s) => s.joined && !s.crashed);
  }

  private async processBatch<T extends TopicId>(
    spec: ConsumerSpec<T>,
    groupId: string,
    consumer: Consumer,
    { batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload,
  ): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const source = { topic: batch.topic, partition: batch.partition, consumerGroup: groupId };
    const valid: Array<Inbound<T>> = [];
    const dead: DeadLetter[] = [];
    for (const raw of batch.messages) {
      const decoded = decode(spec.topic, batch.partition, raw);
      if (decoded.ok) valid.push(decoded.message);
      else dead.push(deadLetterFor(source, raw, decoded.reason, decoded.issues));
    }

    if (valid.length > 0) {
      const rejected = (await spec.handle(valid, { heartbeat })) ?? [];
      for (const { message, reason } of rejected) {
        const raw = batch.messages.find((m) => m.offset === message.offset);
        if (raw) dead.push(deadLetterFor(source, raw, reason));
      }
    }
    if (dead.length > 0) {
      await this.publisher.publish(
        'deadLetters',
        dead.map((letter) => ({ key: letter.key ?? `${letter.source.topic}:${letter.source.partition}`, value: letter })),
      );
      for (const letter of dead) this.logger.warn(`dead-lettered ${letter.source.topic}@${letter.source.offset}: ${letter.reason}`);
    }

    // Resolving moves this consumer's fetch position; committing records it for the group.
    const last = batch.messages[batch.messages.length - 1];
    resolveOffset(last.offset);
    await consumer.commitOffsets([
      { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
    ]);
  }
}
