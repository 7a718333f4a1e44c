import { Injectable, Logger } from '@nestjs/common';
import { isTracing } from '@tripline/tracing';
import type { DeadLetter, TopicId } from '@tripline/contracts';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { deadLetterFor } from './dead-letters';
import type { DeadLetterCategory } from './kafka-signals';
import { DEFAULT_BACKOFF_MS, handleIsolated } from './poison-isolation';
import { decode, type Inbound } from './inbound-message';
import { KafkaConnection } from './kafka-connection';
import { FetchSpans } from './message-tracing';
import { OffsetCommitter } from './offset-committer';
import { TopicPublisher } from './topic-publisher';

/** A message the handler refuses for good (it would fail the same way every time). */
export interface Rejection<T extends TopicId> {
  message: Inbound<T>;
  reason: string;
}

export interface BatchContext {
  /** Keeps the group membership alive during long work. */
  heartbeat(): Promise<void>;
  /**
   * Says that the work of this fetch is durable only once `durable` resolves, though the handler
   * returns before: the consumer goes on fetching meanwhile, and commits the fetch's partitions
   * only up to their oldest work not durable yet. If it rejects, those partitions are fetched
   * and handled again from there. A handler that returns only once its work is durable needs none.
   */
  commitAfter(durable: Promise<unknown>): void;
}

export interface ConsumerSpec<T extends TopicId> {
  topic: T;
  /** Appended to the client id: `<namespace><clientId>.<group>`. */
  group: string;
  /** Where a group with no committed offset starts. Services start at the beginning: lose nothing. */
  fromBeginning?: boolean;
  partitionsConsumedConcurrently?: number;
  /**
   * The least time from one fetch to the next while messages trickle in (default 5 ms). It caps
   * a consumer at 200 fetches a second, each with its statement and produce, however finely the
   * messages trickle in: fetching again the moment a handler returned, a few messages at a time,
   * had filled a 2-core machine with per-fetch round trips at a moderate rate. It is short
   * because every hop's median latency is about half of it plus the hop's own work (15 ms gave a
   * 30 ms median end to end at 1,800 events/s, 5 ms gives 12 ms).
   */
  lingerMs?: number;
  /**
   * Handles the valid messages of one fetch: every partition's, each partition's in order.
   * Resolving means their work is durable (or will be: see `BatchContext.commitAfter`); the
   * offsets are committed after that. Throwing an
   * outage (the database or broker unreachable, or `Unavailable`) means "not now": nothing is
   * committed and they are fetched again. Throwing anything else is retried, then the messages
   * are handled in ever smaller parts until the one that fails alone is found and dead-lettered
   * with the error (`poison-isolation.ts`); it may be called several times for one fetch.
   */
  handle(messages: Array<Inbound<T>>, context: BatchContext): Promise<void | Array<Rejection<T>>>;
}

interface ConsumerState {
  consumer: Consumer;
  joined: boolean;
  crashed: boolean;
  /** The service is shutting down: do not rebuild. */
  closed: boolean;
  /** The batches of the fetch being gathered, handled together once kafkajs has handed them all over. */
  gathered: GatheredBatch[];
  /** The fetches being handled (more than one when batches outnumber workers): stopping waits for them, then commits. */
  handling: Set<Promise<void>>;
  committer: OffsetCommitter;
  /** Finishes the fetch in hand, commits, disconnects; once, however often it is called. */
  stop(): Promise<void>;
}

const DEFAULT_LINGER_MS = 5;
/** How long stopping waits for the last commit before it lets the consumer go. */
const CLOSING_COMMIT_MS = 3_000;

function linger(ms: number): Promise<void> | void {
  if (ms > 0) return new Promise((resolve) => setTimeout(resolve, ms));
}

interface GatheredBatch {
  payload: EachBatchPayload;
  done(error?: unknown): void;
}

/**
 * Runs consumers the same way everywhere: batch consumption, contract validation, dead letters
 * for what cannot be processed, and offsets committed only after the work they stand for.
 *
 * kafkajs hands over a fetch as one batch per partition, all in the same tick. They are
 * gathered and handled as one: one handler call (so one database statement, one produce
 * request) per fetch, not one per partition; the offsets are committed in the background
 * (OffsetCommitter), and the next fetch waits out a short linger. At a moderate rate, when every
 * fetch held a few messages per partition, per-partition round trips and back-to-back fetches
 * had filled the machine, and every hop's wait for the CPU was most of its latency.
 */
@Injectable()
export class TopicConsumers {
  private readonly logger = new Logger(TopicConsumers.name);
  private readonly running = new Map<string, ConsumerState>();
  /** What each running consumer reads, for its lag. */
  private readonly subscriptions = new Map<string, { topic: TopicId; group: string; fromBeginning: boolean }>();

  constructor(
    private readonly connection: KafkaConnection,
    private readonly publisher: TopicPublisher,
  ) {}

  async start<T extends TopicId>(spec: ConsumerSpec<T>): Promise<Consumer> {
    const groupId = this.connection.groupId(spec.group);
    const topic = this.connection.topicName(spec.topic);
    const state: ConsumerState = {
      consumer: this.create(groupId),
      joined: false,
      crashed: false,
      closed: false,
      gathered: [],
      handling: new Set(),
      committer: new OffsetCommitter(
        topic,
        () => state.consumer,
        this.logger,
        () => this.connection.signals.clientError('commit'),
        (partition, offset) => state.consumer.seek({ topic, partition, offset }),
      ),
      stop: () => Promise.resolve(),
    };
    this.running.set(groupId, state);
    this.subscriptions.set(groupId, { topic: spec.topic, group: spec.group, fromBeginning: spec.fromBeginning ?? true });
    let stopping: Promise<void> | undefined;
    state.stop = () =>
      (stopping ??= (async () => {
        // kafkajs drops commits once it is stopping: the fetch in hand is finished and its offsets
        // committed first, while the consumer still runs. Fetches after this are left to the next owner.
        state.closed = true;
        await Promise.all([...state.handling]);
        await state.committer.close(CLOSING_COMMIT_MS);
        await state.consumer.disconnect();
        this.running.delete(groupId);
        this.subscriptions.delete(groupId);
      })());
    this.connection.onClose(state.stop);
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
      // How long an idle consumer's fetch waits at the broker; one with data returns at once, so
      // this costs no latency. At 100 ms, a stack's eleven idle consumers took a sixth of 2 cores.
      maxWaitTimeInMs: 500,
    });
  }

  private async run<T extends TopicId>(spec: ConsumerSpec<T>, groupId: string, state: ConsumerState): Promise<void> {
    const consumer = state.consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      state.joined = true;
      state.crashed = false;
      state.committer.retain(event.payload.memberAssignment[this.connection.topicName(spec.topic)] ?? []);
    });
    consumer.on(consumer.events.CRASH, (event) => {
      state.crashed = true;
      this.connection.signals.clientError('consume');
      this.logger.error(`consumer ${groupId} crashed: ${event.payload.error.message}`);
      // kafkajs restarts a consumer after retriable errors only. After others (seen when the
      // broker restarts: "Failed to find group coordinator") it would stay stopped for good,
      // leaving the service up but deaf: build a new consumer instead, until one runs.
      if (!event.payload.restart && !state.closed) void this.rebuild(spec, groupId, state);
    });
    consumer.on(consumer.events.STOP, () => (state.joined = false));
    // Offsets not committed before a rebalance are handled again by whoever gets the partition.
    consumer.on(consumer.events.REBALANCING, () => void state.committer.flush());
    await consumer.connect();
    await consumer.subscribe({ topic: this.connection.topicName(spec.topic), fromBeginning: spec.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // One worker per partition: kafkajs then hands over every batch of a fetch at once, to be gathered.
      partitionsConsumedConcurrently: spec.partitionsConsumedConcurrently ?? this.connection.options.topicPartitions,
      eachBatch: (payload) => this.gather(spec, groupId, state, payload),
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

  /** Stops every consumer (as the service's shutdown does, before the producer and the database close). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running.values()].map((state) => state.stop().catch(() => undefined)));
  }

  /** The topic and group (as `ConsumerSpec` names it) of every running consumer, and where it starts without a commit. */
  get consumed(): Array<{ topic: TopicId; group: string; fromBeginning: boolean }> {
    return [...this.subscriptions.values()];
  }

  /** Ready once every consumer has joined its group and none has crashed for good. */
  get ready(): boolean {
    return [...this.running.values()].every((s) => s.joined && !s.crashed);
  }

  /** Holds a partition's batch until the rest of its fetch is in (they arrive in the same tick). */
  private gather<T extends TopicId>(spec: ConsumerSpec<T>, groupId: string, state: ConsumerState, payload: EachBatchPayload): Promise<void> {
    const lingerMs = spec.lingerMs ?? DEFAULT_LINGER_MS;
    // Stopping: left unresolved for the partition's next owner, without fetching it again at once.
    if (state.closed) return Promise.resolve(linger(lingerMs));
    if (payload.batch.messages.length === 0 || !payload.isRunning() || payload.isStale()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (state.gathered.length === 0) {
        const started = performance.now();
        setImmediate(() => {
          const fetch = state.gathered.splice(0);
          if (state.closed) return fetch.forEach((g) => g.done());
          // Tracked before the handler starts: a handler that stops the service (a shutdown signal
          // in the middle of it) must find its own fetch among those stopping waits for.
          const handling = Promise.resolve().then(() => this.processFetch(spec, groupId, state, fetch.map((g) => g.payload)));
          const tracked = handling.catch(() => undefined).finally(() => state.handling.delete(tracked));
          state.handling.add(tracked);
          handling
            .then(() => linger(lingerMs - (performance.now() - started)))
            .then(
              () => fetch.forEach((g) => g.done()),
              (error: unknown) => fetch.forEach((g) => g.done(error)),
            );
        });
      }
      state.gathered.push({ payload, done: (error) => (error ? reject(error) : resolve()) });
    });
  }

  /** Handles a fetch; with tracing on, within a process span per message (none when it is off). */
  private async processFetch<T extends TopicId>(spec: ConsumerSpec<T>, groupId: string, state: ConsumerState, payloads: EachBatchPayload[]): Promise<void> {
    if (!isTracing()) return this.handleFetch(spec, groupId, state, payloads);
    const spans = new FetchSpans(groupId);
    try {
      await this.handleFetch(spec, groupId, state, payloads, spans);
    } catch (error) {
      spans.end(error);
      throw error;
    }
    spans.end();
  }

  private async handleFetch<T extends TopicId>(
    spec: ConsumerSpec<T>,
    groupId: string,
    state: ConsumerState,
    payloads: EachBatchPayload[],
    spans?: FetchSpans,
  ): Promise<void> {
    const live = payloads.filter((p) => p.isRunning() && !p.isStale());
    if (live.length === 0) return;
    const valid: Array<Inbound<T>> = [];
    const dead: DeadLetter[] = [];
    const categories: DeadLetterCategory[] = [];
    const sourceOf = (partition: number) => ({ topic: live[0].batch.topic, partition, consumerGroup: groupId });
    for (const { batch } of live) {
      for (const raw of batch.messages) {
        const decoded = decode(spec.topic, batch.partition, raw);
        if (decoded.ok === 'tombstone') continue;
        if (decoded.ok) valid.push(spans ? spans.start(batch.topic, batch.partition, raw, decoded.message) : decoded.message);
        else {
          dead.push(deadLetterFor(sourceOf(batch.partition), raw, decoded.reason, decoded.issues));
          categories.push('invalid');
        }
      }
    }

    const durables: Array<Promise<unknown>> = [];
    if (valid.length > 0) {
      const heartbeat = () => live[0].heartbeat();
      const commitAfter = (durable: Promise<unknown>) => {
        // Its failure is the committer's to act on, once the fetch is handled; never unhandled before.
        durable.catch(() => undefined);
        durables.push(durable);
      };
      const rejected = await handleIsolated(valid, async (part) => (await spec.handle(part, { heartbeat, commitAfter })) ?? [], {
        backoffMs: DEFAULT_BACKOFF_MS,
        heartbeat,
      });
      for (const { message, reason, failed } of rejected) {
        const raw = live.find((p) => p.batch.partition === message.partition)?.batch.messages.find((m) => m.offset === message.offset);
        if (raw) {
          dead.push(deadLetterFor(sourceOf(message.partition), raw, reason));
          categories.push(failed ? 'failed' : 'refused');
        }
        spans?.refused(message, reason);
      }
    }
    if (dead.length > 0) {
      await this.publisher.publish(
        'deadLetters',
        dead.map((letter) => ({ key: letter.key ?? `${letter.source.topic}:${letter.source.partition}`, value: letter })),
      );
      for (const letter of dead) this.logger.warn(`dead-lettered ${letter.source.topic}@${letter.source.offset}: ${letter.reason}`);
      for (const category of new Set(categories)) this.connection.signals.deadLettered(spec.topic, category, categories.filter((c) => c === category).length);
    }

    // Resolving moves this consumer's fetch position; committing records it for the group, in
    // the background (see OffsetCommitter), or before the consumer stops, once the work is durable.
    state.committer.add(
      live.map(({ batch, resolveOffset }) => {
        const last = batch.messages[batch.messages.length - 1];
        resolveOffset(last.offset);
        return { partition: batch.partition, from: batch.messages[0].offset, next: (BigInt(last.offset) + 1n).toString() };
      }),
      durables.length === 0 ? undefined : durables.length === 1 ? durables[0] : Promise.all(durables),
    );
  }
}
