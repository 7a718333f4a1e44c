import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import { publishesOutcome, type AttemptRecord } from './delivery-log';

interface Pending {
  record: AttemptRecord;
  done(error?: unknown): void;
}

/**
 * Records attempts in batches: attempts finishing within a few milliseconds of each other are
 * written by one statement (the attempts and the deliveries' next states, via unnest). The
 * profile of a sustained run showed the dispatcher CPU-bound, a third of it in building and
 * sending one statement per attempt. Each caller still waits until its own attempt is durable.
 */
@Injectable()
export class AttemptRecorder implements OnApplicationShutdown {
  static readonly MAX_BATCH = 500;
  static readonly LINGER_MS = 5;
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
      for (const p of batch) p.done(error);
    }
  }

  private async writeBatch(records: AttemptRecord[]): Promise<void> {
    const col = <T>(f: (r: AttemptRecord) => T) => records.map(f);
    const now = Date.now();
    await this.prisma.pool.query({
      name: 'deliveries.recordAttempts',
      text: `
        WITH input AS (
          SELECT * FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[],
            $9::timestamptz[], $10::boolean[], $11::text[], $12::boolean[])
            AS t(id, attempt_number, started_at, status_code, duration_ms, error, response_excerpt, status, next_attempt_at, final, disabled_reason, outcome_pending)
        ),
        attempts AS (
          INSERT INTO delivery_attempts (delivery_id, attempt_number, started_at, status_code, duration_ms, error, response_excerpt)
          SELECT id, attempt_number, started_at, status_code, duration_ms, error, response_excerpt FROM input
          ON CONFLICT (delivery_id, attempt_number) DO UPDATE SET started_at = EXCLUDED.started_at, status_code = EXCLUDED.status_code,
            duration_ms = EXCLUDED.duration_ms, error = EXCLUDED.error, response_excerpt = EXCLUDED.response_excerpt
        )
        UPDATE deliveries d SET attempt_count = i.attempt_number, last_status_code = i.status_code, last_error = i.error,
          status = i.status, next_attempt_at = i.next_attempt_at, locked_until = NULL,
          completed_at = CASE WHEN i.final THEN now() END, outcome_pending = i.outcome_pending, disabled_reason = i.disabled_reason
        FROM input i WHERE d.id = i.id`,
      values: [
        col((r) => r.delivery.id),
        col((r) => r.attemptNumber),
        col((r) => r.startedAt),
        col((r) => r.result.statusCode),
        col((r) => r.result.durationMs),
        col((r) => r.result.error),
        col((r) => r.result.responseExcerpt),
        col((r) => r.finalStatus ?? 'pending'),
        col((r) => (r.finalStatus !== null ? null : new Date(now + (r.retryInMs ?? 0)))),
        col((r) => r.finalStatus !== null),
        col((r) => r.disableReason),
        col((r) => publishesOutcome(r.finalStatus)),
      ],
    });
  }
}
