import { Injectable } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import { decodeCursor, toPage } from '@tripline/service';
import { z } from 'zod';
import type { DeadLetterRecord } from './dead-letter-record';

/** A stored dead letter, as the list and the replay read it. */
export interface StoredDeadLetter {
  id: string;
  tenantId: string | null;
  reason: string;
  issues: Array<{ path: string; message: string }>;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  consumerGroup: string;
  key: string | null;
  payload: Buffer | null;
  payloadBytes: number;
  payloadTruncated: boolean;
  headers: Array<{ key: string; value: string }>;
  failedAt: Date;
  receivedAt: Date;
  replayedAt: Date | null;
  replayCount: number;
}

export interface DeadLetterFilter {
  /** Topics (as on the broker) the dead message came from: any of them. */
  sourceTopics?: string[];
  /** Part of the reason, in any case of letters. */
  reason?: string;
  tenantId?: string;
  limit: number;
  cursor?: string;
}

const COLUMNS = `id, tenant_id, reason, issues, source_topic, source_partition, source_offset::text AS source_offset, consumer_group,
  message_key, payload, payload_bytes, payload_truncated, headers, failed_at, received_at, replayed_at, replay_count`;

interface Row {
  id: string;
  tenant_id: string | null;
  reason: string;
  issues: Array<{ path: string; message: string }>;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  consumer_group: string;
  message_key: string | null;
  payload: Buffer | null;
  payload_bytes: number;
  payload_truncated: boolean;
  headers: Array<{ key: string; value: string }>;
  failed_at: Date;
  received_at: Date;
  replayed_at: Date | null;
  replay_count: number;
}

const fromRow = (r: Row): StoredDeadLetter => ({
  id: r.id,
  tenantId: r.tenant_id,
  reason: r.reason,
  issues: r.issues,
  sourceTopic: r.source_topic,
  sourcePartition: r.source_partition,
  sourceOffset: r.source_offset,
  consumerGroup: r.consumer_group,
  key: r.message_key,
  payload: r.payload,
  payloadBytes: r.payload_bytes,
  payloadTruncated: r.payload_truncated,
  headers: r.headers,
  failedAt: r.failed_at,
  receivedAt: r.received_at,
  replayedAt: r.replayed_at,
  replayCount: r.replay_count,
});

/**
 * The gateway's table of dead letters (`dead_letters`, its own). One statement per consumed
 * batch; the operators' list is one statement per page, newest first by keyset on
 * (failed_at, id), through the index that matches its filter.
 */
@Injectable()
export class DeadLetterStore {
  constructor(private readonly prisma: PrismaService) {}

  /** Stores each record once: a redelivered record (same position, same id) is skipped. */
  async store(records: DeadLetterRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const col = <T>(f: (r: DeadLetterRecord) => T) => records.map(f);
    const { rowCount } = await this.prisma.pool.query(
      `INSERT INTO dead_letters (id, letter_topic, letter_partition, letter_offset, tenant_id, reason, issues, source_topic, source_partition,
                                 source_offset, consumer_group, message_key, payload, payload_bytes, payload_truncated, headers, failed_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::bigint[], $5::uuid[], $6::text[], $7::jsonb[], $8::text[], $9::int[],
                            $10::bigint[], $11::text[], $12::text[], $13::bytea[], $14::int[], $15::boolean[], $16::jsonb[], $17::timestamptz[])
       ON CONFLICT DO NOTHING`,
      [
        col((r) => r.id),
        col((r) => r.position.topic),
        col((r) => r.position.partition),
        col((r) => r.position.offset),
        col((r) => r.tenantId),
        col((r) => r.letter.reason),
        col((r) => JSON.stringify(r.letter.issues)),
        col((r) => r.letter.source.topic),
        col((r) => r.letter.source.partition),
        col((r) => r.letter.source.offset),
        col((r) => r.letter.source.consumerGroup),
        col((r) => r.letter.key),
        col((r) => r.payload),
        col((r) => r.letter.payloadBytes),
        col((r) => r.letter.payloadTruncated),
        col((r) => JSON.stringify(r.letter.headers)),
        col((r) => r.letter.failedAt),
      ],
    );
    return rowCount ?? 0;
  }

  async page(filter: DeadLetterFilter): Promise<{ items: StoredDeadLetter[]; nextCursor: string | null }> {
    const cursor = decodeCursor(filter.cursor, 2, ([at, id]) => !Number.isNaN(Date.parse(at)) && z.uuid().safeParse(id).success);
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.sourceTopics) where.push(`source_topic = ANY(${param(filter.sourceTopics)}::text[])`);
    // strpos, not LIKE: a reason searched for may hold % and _ as they are.
    if (filter.reason) where.push(`strpos(lower(reason), lower(${param(filter.reason)})) > 0`);
    if (filter.tenantId) where.push(`tenant_id = ${param(filter.tenantId)}::uuid`);
    if (cursor) where.push(`(failed_at, id) < (${param(cursor[0])}::timestamptz, ${param(cursor[1])}::uuid)`);
    const { rows } = await this.prisma.pool.query<Row>(
      `SELECT ${COLUMNS} FROM dead_letters ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY failed_at DESC, id DESC LIMIT ${param(filter.limit + 1)}`,
      params,
    );
    return toPage(rows.map(fromRow), filter.limit, (d) => [d.failedAt.toISOString(), d.id]);
  }

  /**
   * Runs `work` with the dead letter locked (null: no such letter), in a transaction that
   * commits what it returns to record: two replays of one letter take turns, and the second sees
   * the first's `replayed_at`. A replay recorded only once its publish was acknowledged.
   */
  async withLocked<T>(id: string, work: (letter: StoredDeadLetter | null) => Promise<{ result: T; replayedAt?: Date }>): Promise<T> {
    const client = await this.prisma.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<Row>(`SELECT ${COLUMNS} FROM dead_letters WHERE id = $1 FOR UPDATE`, [id]);
      const { result, replayedAt } = await work(rows[0] ? fromRow(rows[0]) : null);
      if (replayedAt) await client.query('UPDATE dead_letters SET replayed_at = $2, replay_count = replay_count + 1 WHERE id = $1', [id, replayedAt]);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
