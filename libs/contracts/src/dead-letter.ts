import { z } from 'zod';
import { IsoDateTime } from './common';

/**
 * A message a consumer could not accept, kept with the reason so nothing is silently lost. A
 * dead letter must itself fit on the dead-letter topic, whatever it carries: the payload is a
 * bounded prefix of the original bytes (`payloadTruncated`, `payloadBytes` say how much there
 * was), and the issues list is bounded too.
 */
export const DeadLetter = z.object({
  reason: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })),
  source: z.object({
    topic: z.string(),
    partition: z.number().int(),
    offset: z.string(),
    consumerGroup: z.string(),
  }),
  key: z.string().nullable(),
  /** The original bytes (or their first `DEAD_LETTER_PAYLOAD_BYTES`): UTF-8 text where they are valid UTF-8, else base64. */
  payload: z.string().nullable(),
  payloadEncoding: z.enum(['utf8', 'base64']).default('utf8'),
  /** The original message value's size in bytes. */
  payloadBytes: z.number().int().min(0).default(0),
  payloadTruncated: z.boolean().default(false),
  /**
   * The original message's headers (a `traceparent`, a producer's own), each value as UTF-8
   * text, so that a replay sends them again; at most DEAD_LETTER_MAX_HEADERS, each at most
   * DEAD_LETTER_HEADER_BYTES (a larger one is left out). Absent from letters of older versions.
   */
  headers: z.array(z.object({ key: z.string(), value: z.string() })).default([]),
  failedAt: IsoDateTime,
});
export type DeadLetter = z.infer<typeof DeadLetter>;

/** How much of a dead message's value a dead letter keeps: far below Kafka's 1 MB message limit. */
export const DEAD_LETTER_PAYLOAD_BYTES = 64 * 1024;
/** How many of a dead message's headers its dead letter keeps, and the most bytes of each one's value. */
export const DEAD_LETTER_MAX_HEADERS = 32;
export const DEAD_LETTER_HEADER_BYTES = 4 * 1024;
/** How many field issues a dead letter lists (the reason says how many there were). */
export const DEAD_LETTER_MAX_ISSUES = 50;
