import { Injectable } from '@nestjs/common';
import { TopicPublisher } from '@tripline/kafka';
import { HttpError } from '@tripline/service';
import type { z } from 'zod';
import type { DeadLetterReplayed } from './dead-letter.dtos';
import { DeadLetterStore, type StoredDeadLetter } from './dead-letter-store';

/** Headers as Kafka takes them: a key given twice keeps both values, in order. */
export function kafkaHeaders(headers: Array<{ key: string; value: string }>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const { key, value } of headers) {
    const seen = out[key];
    out[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return out;
}

/** Why a dead letter cannot be put back as it was; null when it can. */
export function notReplayable(letter: Pick<StoredDeadLetter, 'payload' | 'payloadTruncated' | 'payloadBytes' | 'sourceTopic'>, replayable: (topic: string) => boolean): string | null {
  if (letter.payloadTruncated) return `only the first ${letter.payload?.length ?? 0} of its ${letter.payloadBytes} bytes were kept: republishing them would send another message`;
  // A null value on a compacted topic is a tombstone: it would erase, not replay.
  if (letter.payload === null || letter.payload.length === 0) return 'it had no value to republish';
  if (!replayable(letter.sourceTopic)) return `${letter.sourceTopic} is not a topic of this deployment that messages are replayed to`;
  return null;
}

/**
 * Puts a dead letter's original message back on its source topic, once an operator fixed what
 * refused it (created the unknown tenant, deployed the consumer that knows the new field), and
 * records when. Its key, bytes and headers go as they were, so it lands on its partition and is
 * judged afresh (with its `traceparent`, in the trace it was first sent in).
 *
 * A second replay needs `force`: the consumer handles the message again, and not every
 * consumer's effect is idempotent across time (a refresh request asks the platform again, a
 * subscribe request re-creates a subscription deleted since); a double click must not do that.
 */
@Injectable()
export class DeadLetterReplay {
  constructor(
    private readonly store: DeadLetterStore,
    private readonly publisher: TopicPublisher,
  ) {}

  replayable(letter: StoredDeadLetter): boolean {
    return notReplayable(letter, (topic) => this.publisher.replayableTopic(topic) !== null) === null;
  }

  replay(id: string, force: boolean): Promise<z.infer<typeof DeadLetterReplayed>> {
    return this.store.withLocked(id, async (letter) => {
      if (!letter) throw new HttpError('not_found', 'no such dead letter');
      const refused = notReplayable(letter, (topic) => this.publisher.replayableTopic(topic) !== null);
      if (refused) throw new HttpError('dead_letter_not_replayable', `this dead letter cannot be replayed: ${refused}`);
      if (letter.replayedAt && !force) {
        throw new HttpError(
          'dead_letter_replayed',
          `this dead letter was replayed at ${letter.replayedAt.toISOString()}; replaying it again hands its consumer the same message a second time: send {"force": true} if that is meant`,
        );
      }
      const landed = await this.publisher.republish(letter.sourceTopic, { key: letter.key, value: letter.payload as Buffer, headers: kafkaHeaders(letter.headers) });
      const replayedAt = new Date();
      return {
        replayedAt,
        result: {
          id: letter.id,
          replayedAt: replayedAt.toISOString(),
          replayCount: letter.replayCount + 1,
          republished: { topic: letter.sourceTopic, partition: landed.partition, offset: landed.offset, key: letter.key, bytes: (letter.payload as Buffer).length },
        },
      };
    });
  }
}
