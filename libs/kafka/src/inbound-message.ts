import type { Context } from '@opentelemetry/api';
import { describeIssues, topics, type FieldIssue, type MessageOf, type TopicDefinition, type TopicId } from '@tripline/contracts';
import type { KafkaMessage } from 'kafkajs';

export interface Inbound<T extends TopicId> {
  value: MessageOf<T>;
  key: string | null;
  partition: number;
  offset: string;
  /** Broker timestamp, ms since epoch. */
  timestamp: number;
  /**
   * The trace context of this message's processing (its CONSUMER span, child of its producer's):
   * give it as the `trace` of what is published for this message, or act within it
   * (`context.with`). Undefined when tracing is off.
   */
  trace?: Context;
}

export type Decoded<T extends TopicId> =
  | { ok: true; message: Inbound<T> }
  /** A compacted topic's tombstone (a key with no value): the key's earlier messages are erased; nothing to handle. */
  | { ok: 'tombstone' }
  | { ok: false; reason: string; issues: FieldIssue[] };

/** Parses and validates one raw message against its topic's contract; never throws. */
export function decode<T extends TopicId>(topic: T, partition: number, raw: KafkaMessage): Decoded<T> {
  if (raw.value === null && (topics[topic] as TopicDefinition).compacted) return { ok: 'tombstone' };
  if (!raw.value || raw.value.length === 0) return { ok: false, reason: 'empty message value', issues: [] };
  let json: unknown;
  try {
    json = JSON.parse(raw.value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `value is not JSON: ${(error as Error).message}`, issues: [] };
  }
  const parsed = topics[topic].schema.safeParse(json);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error);
    return {
      ok: false,
      reason: `does not match ${topics[topic].name}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    };
  }
  return {
    ok: true,
    message: {
      value: parsed.data as MessageOf<T>,
      key: raw.key?.toString('utf8') ?? null,
      partition,
      offset: raw.offset,
      timestamp: Number(raw.timestamp),
    },
  };
}
