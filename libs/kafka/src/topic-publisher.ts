import { Injectable } from '@nestjs/common';
import type { Context } from '@opentelemetry/api';
import { topics, type MessageInput, type TopicDefinition, type TopicId } from '@tripline/contracts';
import { isTracing } from '@tripline/tracing';
import { KafkaConnection } from './kafka-connection';
import { PublishSpans } from './message-tracing';
import type { RecordHeaders } from './record-producer';
import { TopicLane } from './topic-lane';

declare const encodedFor: unique symbol;

/**
 * A message of topic T serialized by `encode`, for a producer that needs the bytes before it
 * publishes (ingestion measures each event against its limit): published as it is, not
 * serialized a second time. Only `encode` makes one, so it is always a T's contract input.
 */
export type Encoded<T extends TopicId> = string & { readonly [encodedFor]: T };

export function encode<T extends TopicId>(_topic: T, value: MessageInput<T>): Encoded<T> {
  return JSON.stringify(value) as Encoded<T>;
}

export interface Outbound<T extends TopicId> {
  key: string;
  value: MessageInput<T>;
  /** `value` serialized already (`encode`): published as it is. */
  encoded?: Encoded<T>;
  headers?: RecordHeaders;
  /**
   * The trace this message belongs to: the `trace` of the inbound message it derives from, when
   * a handler turns a batch into messages (each output joins its own input's trace, not the
   * batch's). Default: the active context (an HTTP request's). Ignored when tracing is off.
   */
  trace?: Context;
}

/** A message as it goes to the producer. */
type ProducerRecord = { key: string; value: string; headers?: RecordHeaders };

/** Well under Kafka's default max.message.bytes (1 MB), leaving room for record overhead. */
export const MAX_REQUEST_BYTES = 512 * 1024;

/** Splits messages, in order, into runs whose keys and values add up to at most `limit` bytes. */
export function chunksOf<M extends { key?: string | null; value: string }>(messages: M[], limit: number): M[][] {
  const chunks: M[][] = [];
  let current: M[] = [];
  let size = 0;
  for (const message of messages) {
    const bytes = Buffer.byteLength(message.value) + Buffer.byteLength(message.key ?? '') + 64;
    if (current.length > 0 && size + bytes > limit) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(message);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Typed publishing: the topic id picks the contract, so a wrong payload does not compile.
 * Values are not checked against the contract's schema again here: everything published is
 * built by our typed code from input already validated where it entered (HTTP, the ingest
 * topic), and every consumer validates what it reads (a bug that slipped through is a dead
 * letter naming the field, not a crash). Checking on both ends was a sixth of the ingestion's
 * and the evaluator's CPU at saturation (`npm run bench:profile`). Resolves only once the
 * broker acknowledged with acks=all.
 */
@Injectable()
export class TopicPublisher {
  private readonly lanes = new Map<string, TopicLane<ProducerRecord>>();

  constructor(private readonly connection: KafkaConnection) {}

  async publish<T extends TopicId>(topic: T, messages: Array<Outbound<T>>): Promise<void> {
    if (messages.length === 0) return;
    const topicName = this.connection.topicName(topic);
    const encoded = messages.map((m) => ({ key: m.key, value: m.encoded ?? JSON.stringify(m.value), headers: m.headers }));
    // Tracing off: this check is all it costs.
    const traced = isTracing() ? new PublishSpans(topicName, messages.map((m) => m.trace), messages.map((m) => m.headers)) : undefined;
    if (traced) encoded.forEach((m, i) => (m.headers = traced.headers[i]));
    try {
      await this.lane(topicName).publish(encoded);
    } catch (error) {
      traced?.end(error);
      throw error;
    }
    traced?.end();
  }

  private lane(topicName: string): TopicLane<ProducerRecord> {
    let lane = this.lanes.get(topicName);
    if (!lane) {
      // Sent in order, a chunk at a time: one request can carry at most max.message.bytes per
      // partition (1 MB by default), and a fan-out or a batch of dead letters can be larger.
      lane = new TopicLane(async (messages) => {
        for (const chunk of chunksOf(messages, MAX_REQUEST_BYTES)) {
          await this.connection.producer.send(topicName, chunk);
        }
      });
      this.lanes.set(topicName, lane);
    }
    return lane;
  }

  /**
   * The topic id of a topic name of this deployment (namespace included) that a message may be
   * put back on as it was; null for any other name, and for the dead-letters topic itself (a
   * dead letter's bytes republished there would only be dead-lettered again).
   */
  replayableTopic(topicName: string): TopicId | null {
    const id = (Object.keys(topics) as TopicId[]).find((t) => this.connection.topicName(t) === topicName);
    return id && id !== 'deadLetters' ? id : null;
  }

  /**
   * Puts a message's bytes back on its topic as they were (key, value, headers), unchecked by
   * the contract: a dead letter's replay, once an operator fixed what refused it. The topic must
   * be one `replayableTopic` names. Resolves with where it landed once acknowledged (acks=all).
   */
  async republish(topicName: string, message: { key: string | null; value: Buffer; headers?: RecordHeaders }): Promise<{ partition: number; offset: string }> {
    if (!this.replayableTopic(topicName)) throw new Error(`${topicName} is not a topic of this deployment that messages may be replayed to`);
    const [sent] = await this.connection.producer.send(topicName, [message]);
    return sent;
  }

  /**
   * Tombstones (a key with a null value) on a compacted topic: compaction then drops every
   * earlier message of those keys, and the tombstones themselves after `delete.retention.ms`
   * (a day by default). Consumers skip them. Used to erase what the topic keeps of a tenant.
   */
  async tombstone(topic: TopicId, keys: readonly string[]): Promise<void> {
    if (!(topics[topic] as TopicDefinition).compacted) throw new Error(`${topics[topic].name} is not compacted: a tombstone would erase nothing`);
    const messages = keys.map((key) => ({ key, value: null }));
    for (let i = 0; i < messages.length; i += 1_000) {
      await this.connection.producer.send(this.connection.topicName(topic), messages.slice(i, i + 1_000));
    }
  }
}
