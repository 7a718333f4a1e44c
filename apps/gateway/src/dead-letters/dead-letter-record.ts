import type { DeadLetter } from '@tripline/contracts';
import { v5 as uuidv5 } from 'uuid';

const NAMESPACE = '0d5b8a2e-6c41-4f7e-9b1a-5e3c2d4f6a80';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A `"tenantId": "<uuid>"` member, found in a payload cut short that no longer parses. */
const TENANT_MEMBER = /"tenantId"\s*:\s*"([0-9a-fA-F-]{36})"/;

/** Where a dead letter itself sits on the dead-letters topic: a redelivery is the same record. */
export interface LetterPosition {
  topic: string;
  partition: number;
  offset: string;
}

/** A dead letter as the gateway stores it: the original bytes, and the tenant it names. */
export interface DeadLetterRecord {
  id: string;
  position: LetterPosition;
  tenantId: string | null;
  letter: DeadLetter;
  payload: Buffer | null;
}

/** The row's id, derived from the record's position: storing a redelivered record twice is one row. */
export function deadLetterId(position: LetterPosition): string {
  return uuidv5(`${position.topic}\u0000${position.partition}\u0000${position.offset}`, NAMESPACE);
}

/** The original bytes back from the letter (UTF-8 text, or base64 when they were not UTF-8). */
export function payloadBytes(letter: Pick<DeadLetter, 'payload' | 'payloadEncoding'>): Buffer | null {
  if (letter.payload === null) return null;
  return Buffer.from(letter.payload, letter.payloadEncoding === 'base64' ? 'base64' : 'utf8');
}

/**
 * The tenant a dead message names: its JSON's top-level `tenantId` (every tenant-scoped contract
 * has one), else the first `"tenantId": "<uuid>"` of a payload cut short. Only a uuid counts (a
 * tenant's id is one), so the column stays a uuid and a tenant's erasure finds its letters.
 * Best effort: a message that names no tenant, or not as JSON, belongs to none.
 */
export function tenantNamedBy(letter: Pick<DeadLetter, 'payload' | 'payloadEncoding' | 'payloadTruncated'>): string | null {
  if (letter.payload === null || letter.payloadEncoding !== 'utf8') return null;
  let named: unknown;
  try {
    const json: unknown = JSON.parse(letter.payload);
    named = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>).tenantId : undefined;
  } catch {
    named = TENANT_MEMBER.exec(letter.payload)?.[1];
  }
  return typeof named === 'string' && UUID.test(named) ? named.toLowerCase() : null;
}

/** Postgres text holds no NUL; a reason quoting the bad bytes (JSON.parse's message does) may. */
const storable = (text: string) => text.replaceAll('\u0000', '\uFFFD');

/** The row to store for a dead letter: its text storable, its bytes as they were. */
export function deadLetterRecord(position: LetterPosition, letter: DeadLetter): DeadLetterRecord {
  const text: DeadLetter = {
    ...letter,
    reason: storable(letter.reason),
    issues: letter.issues.map((i) => ({ path: storable(i.path), message: storable(i.message) })),
    source: { ...letter.source, topic: storable(letter.source.topic), consumerGroup: storable(letter.source.consumerGroup) },
    key: letter.key === null ? null : storable(letter.key),
    // jsonb holds no NUL either; a header value with one is left out rather than altered.
    headers: letter.headers.filter((h) => !`${h.key}${h.value}`.includes('\u0000')),
  };
  return { id: deadLetterId(position), position, tenantId: tenantNamedBy(letter), letter: text, payload: payloadBytes(letter) };
}
