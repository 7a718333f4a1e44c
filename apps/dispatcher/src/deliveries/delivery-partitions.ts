import { Injectable, Logger } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import type { PoolClient } from 'pg';

/** The two tables kept in day partitions, the delivery's first: its attempts are kept in its day. */
const TABLES = ['deliveries', 'delivery_attempts'] as const;

/** A UTC day, 'YYYY-MM-DD'. */
export type Day = string;

export const dayOf = (at: Date): Day => at.toISOString().slice(0, 10);
export const addDays = (day: Day, days: number): Day => dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000));
const partitionName = (table: string, day: Day) => `${table}_${day.replaceAll('-', '')}`;

/** When a day's rows must be kept: final rows until these instants after they became final. */
export interface KeepRule {
  /** Delivered ones completed at or after it are kept. */
  deliveredSince: Date;
  /** Failed, gone, cancelled (any other final status) ones completed at or after it are kept. */
  otherFinalSince: Date;
}

/** What happened to one old day. */
export type DayOutcome = { day: Day; dropped: true; approximateRows: number } | { day: Day; dropped: false; reason: string };

/**
 * The day partitions of `deliveries` and `delivery_attempts` (partitioned by `log_day`, the UTC
 * day a delivery was recorded): creates them ahead of time, and drops a day's whole, which
 * costs the delivery path nothing a row delete would (no WAL per row, no vacuum, no index
 * upkeep).
 *
 * A row outlives its day's partition when it must be kept longer (delivered late, or failed,
 * under a longer window) or is still pending: it moves, with its attempts, to a later day's
 * partition (`relocate`), few rows, in small batches, each row skipped while another
 * transaction holds it.
 *
 * Every change of partitions runs under one advisory lock, so several dispatcher instances take
 * turns, and with a short lock_timeout: attaching and dropping a partition lock the parent
 * table, and a wait behind a long query would make the delivery path queue behind the wait.
 */
@Injectable()
export class DeliveryPartitions {
  /** Days ahead whose partitions exist: days for a dispatcher to be down before recording fails. */
  static readonly DAYS_AHEAD = 7;
  /** Longest wait for a table lock; a run that cannot get one tries again on the next run. */
  static readonly LOCK_TIMEOUT_MS = 100;
  private static readonly ADVISORY_LOCK = 'tripline.delivery_partitions';
  private readonly logger = new Logger(DeliveryPartitions.name);

  constructor(private readonly prisma: PrismaService) {}

  /** The days that have partitions, oldest first. */
  async days(): Promise<Day[]> {
    const { rows } = await this.prisma.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'deliveries'::regclass`,
    );
    return rows
      .map((r) => /^deliveries_(\d{4})(\d{2})(\d{2})$/.exec(r.name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[1]}-${m[2]}-${m[3]}`)
      .sort();
  }

  /**
   * Creates the missing partitions of the days from `from` to `today` + DAYS_AHEAD. Each is
   * created on its own and attached, which locks the parent less than CREATE TABLE ... PARTITION
   * OF would (SHARE UPDATE EXCLUSIVE: reads and writes go on). Returns the days created.
   */
  async ensure(from: Day, today: Day, lockTimeoutMs = DeliveryPartitions.LOCK_TIMEOUT_MS): Promise<Day[]> {
    const existing = new Set(await this.days());
    const missing: Day[] = [];
    for (let day = from; day <= addDays(today, DeliveryPartitions.DAYS_AHEAD); day = addDays(day, 1)) if (!existing.has(day)) missing.push(day);
    const created: Day[] = [];
    for (const day of missing) {
      let createdHere = false;
      // Waits its turn (within the lock timeout): a day skipped here could be today's.
      await this.underLock(lockTimeoutMs, 'wait', async (client) => {
        const next = addDays(day, 1);
        for (const table of TABLES) {
          const name = partitionName(table, day);
          // Another instance may have created it while this one waited.
          if ((await client.query(`SELECT to_regclass($1) AS oid`, [name])).rows[0].oid !== null) continue;
          createdHere = true;
          await client.query(`CREATE TABLE "${name}" (LIKE "${table}" INCLUDING DEFAULTS)`);
          // The constraint lets ATTACH skip its scan; it is redundant once attached.
          await client.query(`ALTER TABLE "${name}" ADD CONSTRAINT "${name}_day" CHECK (log_day >= '${day}' AND log_day < '${next}')`);
          await client.query(`ALTER TABLE "${table}" ATTACH PARTITION "${name}" FOR VALUES FROM ('${day}') TO ('${next}')`);
          await client.query(`ALTER TABLE "${name}" DROP CONSTRAINT "${name}_day"`);
        }
      });
      if (createdHere) created.push(day);
    }
    return created;
  }

  /**
   * Moves up to `limit` of the day's rows to keep, with their attempts, out of it: the final
   * ones `keep` says to keep, and the pending ones (a delivery may retry for days, and a resend
   * makes an old one pending again). A delivered one goes to the day it was delivered (whose
   * partition is dropped about as long after it as its window) if that day is `existing`, any
   * other to `today`. Returns how many it moved.
   *
   * Never a row the dispatcher is working on: one leased (a claimed delivery, whose attempt's
   * record names its day), or one whose outcome the outbox is publishing. Those wait, seconds
   * at most, and hold their day back until then.
   */
  async relocate(day: Day, today: Day, keep: KeepRule, limit: number, existing: readonly Day[]): Promise<number> {
    const { rows } = await this.prisma.pool.query<{ moved: number }>(
      `WITH kept AS (
         SELECT id FROM deliveries
         WHERE log_day = $1::date AND NOT outcome_pending
           AND ((status = 'pending' AND (locked_until IS NULL OR locked_until < now()))
             OR (status = 'delivered' AND completed_at >= $3)
             OR (status NOT IN ('pending', 'delivered') AND completed_at >= $4))
         LIMIT $5
         FOR UPDATE SKIP LOCKED
       ),
       moved AS (
         UPDATE deliveries d SET log_day = CASE
             WHEN d.status = 'delivered' AND (d.completed_at AT TIME ZONE 'UTC')::date = ANY($6::date[]) THEN (d.completed_at AT TIME ZONE 'UTC')::date
             ELSE $2::date END
         FROM kept WHERE d.log_day = $1::date AND d.id = kept.id
         RETURNING d.id, d.log_day
       ),
       attempts AS (
         UPDATE delivery_attempts a SET log_day = moved.log_day FROM moved WHERE a.log_day = $1::date AND a.delivery_id = moved.id
       )
       SELECT count(*)::int AS moved FROM moved`,
      [day, today, keep.deliveredSince, keep.otherFinalSince, limit, existing],
    );
    return rows[0].moved;
  }

  /**
   * Drops the day's partitions if nothing in them is to be kept, checked with both tables
   * locked (a resend may make an old delivery pending again until the last moment).
   */
  async drop(day: Day, keep: KeepRule): Promise<DayOutcome> {
    let outcome: DayOutcome = { day, dropped: false, reason: `no lock within ${DeliveryPartitions.LOCK_TIMEOUT_MS} ms` };
    await this.underLock(DeliveryPartitions.LOCK_TIMEOUT_MS, 'try', async (client) => {
      const [deliveries, attempts] = TABLES.map((table) => partitionName(table, day));
      // The parents first, as every statement of the delivery path takes them: locking the
      // partitions first could deadlock with a statement holding a parent and waiting for one.
      await client.query(`LOCK TABLE ${TABLES.join(', ')} IN ACCESS EXCLUSIVE MODE`);
      // Each through its own partial index: the tables stay locked only milliseconds.
      const { rows } = await client.query<{ reason: string | null }>(
        `SELECT CASE
           WHEN EXISTS (SELECT 1 FROM "${deliveries}" WHERE status = 'pending') THEN 'a delivery is pending'
           WHEN EXISTS (SELECT 1 FROM "${deliveries}" WHERE outcome_pending) THEN 'an outcome is not published yet'
           WHEN EXISTS (SELECT 1 FROM "${deliveries}" WHERE status = 'delivered' AND completed_at >= $1) THEN 'a delivery is still kept'
           WHEN EXISTS (SELECT 1 FROM "${deliveries}" WHERE status IN ('failed', 'gone', 'cancelled', 'validated') AND completed_at >= $2) THEN 'a delivery is still kept'
         END AS reason`,
        [keep.deliveredSince, keep.otherFinalSince],
      );
      if (rows[0].reason !== null) {
        outcome = { day, dropped: false, reason: rows[0].reason };
        throw new KeepDay();
      }
      const { rows: sizes } = await client.query<{ n: number }>(`SELECT GREATEST(reltuples, 0)::bigint::int AS n FROM pg_class WHERE oid = $1::regclass`, [deliveries]);
      await client.query(`DROP TABLE "${attempts}", "${deliveries}"`);
      outcome = { day, dropped: true, approximateRows: sizes[0]?.n ?? 0 };
    });
    return outcome;
  }

  /**
   * Runs `work` in a transaction holding the maintenance lock (waiting for it, or only trying),
   * with `lockTimeoutMs` for every lock. False when the maintenance lock or a table lock was not
   * had, or `work` threw KeepDay; any other error is thrown.
   */
  private async underLock(lockTimeoutMs: number, mode: 'wait' | 'try', work: (client: PoolClient) => Promise<void>): Promise<boolean> {
    const client = await this.prisma.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = ${Math.trunc(lockTimeoutMs)}`);
      const { rows } = await client.query<{ ok: boolean }>(
        mode === 'wait' ? `SELECT true AS ok FROM (SELECT pg_advisory_xact_lock(hashtext($1))) waited` : `SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ok`,
        [DeliveryPartitions.ADVISORY_LOCK],
      );
      if (!rows[0].ok) {
        await client.query('ROLLBACK');
        return false;
      }
      await work(client);
      await client.query('COMMIT');
      return true;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (error instanceof KeepDay) return false;
      // 55P03: lock_not_available (lock_timeout).
      if ((error as { code?: string }).code === '55P03') {
        this.logger.warn(`partition maintenance: no table lock within ${lockTimeoutMs} ms, tried again on the next run`);
        return false;
      }
      throw error;
    } finally {
      client.release();
    }
  }
}

class KeepDay extends Error {}
