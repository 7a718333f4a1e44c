import { DEAD_LETTER_HEADER_BYTES, DEAD_LETTER_MAX_HEADERS, DEAD_LETTER_MAX_ISSUES, DEAD_LETTER_PAYLOAD_BYTES, type DeadLetter, type FieldIssue } from '@tripline/contracts';
import type { KafkaMessage } from 'kafkajs';
import { TextDecoder } from 'node:util';

export interface DeadLetterSource {
  topic: string;
  partition: number;
  consumerGroup: string;
}

const REASON_CHARS = 2_000;
const KEY_CHARS = 1_000;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A bounded record of a message that could not be accepted: whatever the message was (a
 * megabyte of junk, invalid UTF-8, thousands of bad fields), its dead letter fits on the
 * dead-letter topic, so dead-lettering it cannot fail and stall the partition in turn.
 */
export function deadLetterFor(
  source: DeadLetterSource,
  message: KafkaMessage,
  reason: string,
  issues: FieldIssue[] = [],
  payloadLimit = DEAD_LETTER_PAYLOAD_BYTES,
): DeadLetter {
  const value = message.value ?? null;
  const kept = issues.slice(0, DEAD_LETTER_MAX_ISSUES).map((i) => ({ path: clip(i.path, 500), message: clip(i.message, 500) }));
  const more = issues.length > kept.length ? ` (${issues.length} issues; the first ${kept.length} are listed)` : '';
  return {
    reason: clip(reason, REASON_CHARS) + more,
    issues: kept,
    source: { ...source, offset: message.offset },
    key: message.key ? clip(message.key.toString('utf8'), KEY_CHARS) : null,
    ...payloadOf(value, payloadLimit),
    headers: headersOf(message.headers),
    failedAt: new Date().toISOString(),
  };
}

function payloadOf(value: Buffer | null, limit: number): Pick<DeadLetter, 'payload' | 'payloadEncoding' | 'payloadBytes' | 'payloadTruncated'> {
  if (!value) return { payload: null, payloadEncoding: 'utf8', payloadBytes: 0, payloadTruncated: false };
  const text = utf8(value);
  if (text !== null) {
    // JSON escapes control characters up to six bytes each: keep a prefix whose encoding fits.
    const prefix = fitEncoded(text, limit);
    return { payload: prefix, payloadEncoding: 'utf8', payloadBytes: value.length, payloadTruncated: prefix.length < text.length };
  }
  const bytes = value.subarray(0, Math.floor((limit * 3) / 4));
  return { payload: bytes.toString('base64'), payloadEncoding: 'base64', payloadBytes: value.length, payloadTruncated: bytes.length < value.length };
}

/** The message's headers as text, in order (a key repeated stays repeated), bounded like the rest. */
function headersOf(headers: KafkaMessage['headers']): DeadLetter['headers'] {
  const kept: DeadLetter['headers'] = [];
  for (const [key, values] of Object.entries(headers ?? {})) {
    for (const value of Array.isArray(values) ? values : [values]) {
      if (value === undefined || kept.length >= DEAD_LETTER_MAX_HEADERS) continue;
      const text = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
      if (key.length <= 200 && Buffer.byteLength(text) <= DEAD_LETTER_HEADER_BYTES) kept.push({ key, value: text });
    }
  }
  return kept;
}

function utf8(value: Buffer): string | null {
  try {
    return strictUtf8.decode(value);
  } catch {
    return null;
  }
}

/** The longest prefix of `text` whose JSON encoding takes at most `limit` bytes (never splitting a surrogate pair). */
function fitEncoded(text: string, limit: number): string {
  if (Buffer.byteLength(JSON.stringify(text)) <= limit) return text;
  let low = 0;
  let high = Math.min(text.length, limit);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (Buffer.byteLength(JSON.stringify(text.slice(0, mid))) <= limit) low = mid;
    else high = mid - 1;
  }
  const code = text.charCodeAt(low - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? low - 1 : low);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
