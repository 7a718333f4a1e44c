import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import { printable } from '../callbacks/outside-bytes';
import { publishesOutcome, type AttemptRecord } from './delivery-log';
import { isOutage } from './postgres-errors';

interface Pending {
  record: AttemptRecord;
  done(error?: unknown): void;
}

/**
 * Records attempts in batches: attempts finishing within a few milliseconds of each other are
 * written by one statement (the attempts, the deliveries' next states and the endpoints' health
 * changes, via unnest), and first attempts made before their deliveries had a row by one more
 * (the rows themselves, written once with their outcomes). The profile of a sustained run showed the dispatcher CPU-bound, a third
 * of it in building and sending one statement per attempt. Each caller still waits until its own
 * attempt is durable. One statement is one transaction: an endpoint is never marked failing,
 * recovered or disabled by an attempt that was not recorded, nor an attempt recorded without
 * the health change it caused.
 *
 * One row that cannot be written must not fail the others of its batch (they may be other
 * tenants'), nor be left to be sent again after every lease. So when a batch fails for any
 * reason but an outage, it is split in halves and each written on its own; a row still failing
 * alone is recorded without the details that may be the cause (the response excerpt, the
 * error's text), with the reason instead. Only an outage fails the batch: its attempts are
 * made again after their leases, as after a crash.
 */
@Injectable()
export class AttemptRecorder implements OnApplicationShutdown {
  static readonly MAX_BATCH = 500;
  static readonly LINGER_MS = 5;
  private readonly logger = new Logger(AttemptRecorder.name);
  private queue: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private flushing = Promise.resolve();

  constructor(private readonly prisma: PrismaService) {}

  record(record: AttemptRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, done: (error) => (error ? reject(error) : resolve()) });
      if (this.queue.length >= AttemptRecorder.MAX_BATCH) this.flushSoon(0);
      else this.flushSoon(AttemptRecorder.LINGER_MS);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.flushSoon(0);
    await this.flushing;
  }

  private flushSoon(delay: number): void {
    if (this.timer && delay > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const batch = this.queue.splice(0, AttemptRecorder.MAX_BATCH);
      if (this.queue.length > 0) this.flushSoon(AttemptRecorder.LINGER_MS);
      if (batch.length > 0) this.flushing = this.flushing.then(() => this.write(batch));
    }, delay);
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      await this.writeBatch(batch.map((p) => p.record));
      for (const p of batch) p.done();
    } catch (error) {
      if (isOutage(error)) {
        for (const p of batch) p.done(error);
      } else if (batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        await this.write(batch.slice(0, half));
        await this.write(batch.slice(half));
      } else {
        await this.writeDegraded(batch[0], error as Error);
      }
    }
  }

  private async writeDegraded(pending: Pending, cause: Error): Promise<void> {
    const { record } = pending;
    const reason = `the attempt's details could not be stored (${printable(describe(cause), 300)})`;
    this.logger.warn(`delivery ${record.delivery.id}, attempt ${record.attemptNumber}: ${reason}`);
    try {
      await this.writeBatch([
        {
          ...record,
          result: { ...record.result, error: reason, responseExcerpt: null, durationMs: clampInt(record.result.durationMs) },
          disableReason: record.disableReason === null ? null : printable(record.disableReason),
        },
      ]);
      pending.done();
    } catch (error) {
      pending.done(error);
    }
  }

  private async writeBatch(records: AttemptRecord[]): Promise<void> {
    const openings = records.filter((r) => r.opening);
    const updates = openings.length === 0 ? records : records.filter((r) => !r.opening);
    await Promise.all([this.writeUpdates(updates), this.writeOpenings(openings)]);
  }

  /** Attempts at deliveries that have their row: the row takes the attempt's consequence. */
  private async writeUpdates(records: AttemptRecord[]): Promise<void> {
    if (records.length === 0) return;
    const col = <T>(f: (r: AttemptRecord) => T) => records.map(f);
    await this.prisma.pool.query({
      name: 'deliveries.recordAttempts',
      text: `
        WITH input AS (
          SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[], $5::int[], $6::text[], $7::bytea[], $8::text[],
            $9::float8[], $10::boolean[], $11::text[], $12::boolean[], $13::uuid[], $14::text[], $15::date[]) WITH ORDINALITY
            AS t(id, attempt_number, age_ms, status_code, duration_ms, error, response_excerpt, status, retry_in_ms, final, disabled_reason, outcome_pending,
              subscription_id, health, log_day, n)
        ),
        attempts AS (
          INSERT INTO delivery_attempts (delivery_id, attempt_number, started_at, status_code, duration_ms, error, response_excerpt, log_day)
          SELECT id, attempt_number, now() - age_ms * interval '1 millisecond', status_code, duration_ms, error, response_excerpt, log_day FROM input
          -- A delivery erased (its tenant's, or its event's) while its attempt was in flight: nothing to record.
          WHERE EXISTS (SELECT 1 FROM deliveries d WHERE d.id = input.id AND d.log_day = input.log_day)
          ON CONFLICT (delivery_id, attempt_number, log_day) DO UPDATE SET started_at = EXCLUDED.started_at, status_code = EXCLUDED.status_code,
            duration_ms = EXCLUDED.duration_ms, error = EXCLUDED.error, response_excerpt = EXCLUDED.response_excerpt
        ),
        ${ENDPOINT_HEALTH}
        UPDATE deliveries d SET attempt_count = i.attempt_number, last_status_code = i.status_code, last_error = i.error,
          status = i.status, next_attempt_at = CASE WHEN i.final THEN NULL ELSE now() + i.retry_in_ms * interval '1 millisecond' END,
          locked_until = NULL, completed_at = CASE WHEN i.final THEN now() END, outcome_pending = i.outcome_pending, disabled_reason = i.disabled_reason
        FROM input i WHERE d.id = i.id AND d.log_day = i.log_day AND d.log_day = ANY($16::date[])`,
      values: [
        ...this.attemptColumns(records),
        col((r) => r.delivery.logDay),
        // The batch's few days, for Postgres to look in their partitions only.
        [...new Set(records.map((r) => r.delivery.logDay))],
      ],
    });
  }

  /**
   * First attempts made before their deliveries had a row (see FirstAttempt): each delivery's
   * one row is inserted with the attempt's consequence, so a callback answered at once costs
   * one insert, not an insert and an update of a row and its six indexes. As the request's own
   * recording would, a delivery recorded already (yesterday's too) is not recorded again.
   */
  private async writeOpenings(records: AttemptRecord[]): Promise<void> {
    if (records.length === 0) return;
    const col = <T>(f: (r: AttemptRecord) => T) => records.map(f);
    const now = performance.now();
    await this.prisma.pool.query({
      name: 'deliveries.recordFirstAttempts',
      text: `
        WITH input AS (
          SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[], $5::int[], $6::text[], $7::bytea[], $8::text[],
            $9::float8[], $10::boolean[], $11::text[], $12::boolean[], $13::uuid[], $14::text[], $15::date[],
            $16::uuid[], $17::text[], $18::text[], $19::text[], $20::text[], $21::int[]) WITH ORDINALITY
            AS t(id, attempt_number, age_ms, status_code, duration_ms, error, response_excerpt, status, retry_in_ms, final, disabled_reason, outcome_pending,
              subscription_id, health, log_day, tenant_id, event_id, trigger, body, traceparent, created_age_ms, n)
        ),
        opened AS (
          INSERT INTO deliveries (id, log_day, tenant_id, subscription_id, event_id, trigger, body, traceparent, created_at, status, attempt_count,
            last_status_code, last_error, next_attempt_at, completed_at, outcome_pending, disabled_reason)
          SELECT id, log_day, tenant_id, subscription_id, event_id, trigger, body, traceparent, now() - created_age_ms * interval '1 millisecond', status,
            attempt_number, status_code, error, CASE WHEN final THEN NULL ELSE now() + retry_in_ms * interval '1 millisecond' END,
            CASE WHEN final THEN now() END, outcome_pending, disabled_reason
          FROM input i
          -- Its tenant erased while the attempt was in flight (its endpoint went with it): nothing to record.
          WHERE EXISTS (SELECT 1 FROM dispatch_endpoints e WHERE e.subscription_id = i.subscription_id)
            AND NOT EXISTS (SELECT 1 FROM deliveries y WHERE y.id = i.id AND y.log_day = (now() AT TIME ZONE 'UTC')::date - 1)
          ON CONFLICT (id, log_day) DO NOTHING
          RETURNING id, log_day
        ),
        attempts AS (
          INSERT INTO delivery_attempts (delivery_id, attempt_number, started_at, status_code, duration_ms, error, response_excerpt, log_day)
          SELECT i.id, i.attempt_number, now() - i.age_ms * interval '1 millisecond', i.status_code, i.duration_ms, i.error, i.response_excerpt, i.log_day
          FROM input i JOIN opened o ON o.id = i.id AND o.log_day = i.log_day
        ),
        ${ENDPOINT_HEALTH}
        SELECT count(*) FROM opened`,
      values: [
        ...this.attemptColumns(records, now),
        col((r) => r.delivery.logDay),
        col((r) => r.delivery.tenantId),
        col((r) => r.opening!.eventId),
        col((r) => r.delivery.trigger),
        col((r) => r.delivery.body),
        col((r) => r.delivery.traceparent),
        col((r) => Math.max(0, Math.round(now - r.opening!.admittedAt))),
      ],
    });
  }

  /**
   * The columns both statements take ($1 to $14). Times by the database's clock (now()), so
   * instances with skewed clocks agree: started_at is now() less the time since the attempt
   * began, by this process's monotonic clock.
   */
  private attemptColumns(records: AttemptRecord[], now = performance.now()): unknown[] {
    const col = <T>(f: (r: AttemptRecord) => T) => records.map(f);
    return [
      col((r) => r.delivery.id),
      col((r) => r.attemptNumber),
      col((r) => Math.max(0, Math.round(now - r.startedAt))),
      col((r) => r.result.statusCode),
      col((r) => r.result.durationMs),
      col((r) => r.result.error),
      col((r) => r.result.responseExcerpt),
      col((r) => r.finalStatus ?? 'pending'),
      col((r) => (r.finalStatus !== null ? null : (r.retryInMs ?? 0))),
      col((r) => r.finalStatus !== null),
      col((r) => r.disableReason),
      col((r) => publishesOutcome(r.finalStatus)),
      col((r) => r.delivery.subscriptionId),
      col((r) => r.healthChange),
    ];
  }
}

/**
 * The endpoints' health changes of a batch of attempts (CTEs over `input`). An endpoint's
 * changes within the batch apply as if one after another: disabled by any, failing_since
 * cleared if the last was a recovery, restarted if a recovery came before a failure. Its row is
 * locked in subscription order, so two instances' batches cannot deadlock.
 */
const ENDPOINT_HEALTH = `
        health AS (
          SELECT subscription_id, bool_or(health = 'disabled') AS disabled, bool_or(health = 'recovered') AS recovered,
            (array_agg(health ORDER BY n DESC))[1] AS last
          FROM input WHERE health IS NOT NULL GROUP BY subscription_id
        ),
        locked AS MATERIALIZED (
          SELECT e.subscription_id FROM dispatch_endpoints e JOIN health h USING (subscription_id) ORDER BY e.subscription_id FOR UPDATE OF e
        ),
        endpoints AS (
          UPDATE dispatch_endpoints e SET
            failing_since = CASE WHEN h.last = 'recovered' THEN NULL WHEN h.recovered THEN now() ELSE COALESCE(e.failing_since, now()) END,
            last_success_at = CASE WHEN h.recovered THEN now() ELSE e.last_success_at END,
            status = CASE WHEN h.disabled THEN 'disabled' ELSE e.status END
          FROM health h JOIN locked l USING (subscription_id) WHERE e.subscription_id = h.subscription_id
        )`;

function describe(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}

const clampInt = (n: number) => Math.min(Math.max(Math.round(n), 0), 2_147_483_647);
