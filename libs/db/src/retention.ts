import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';

/** Where a retention job takes its `now` from; tests move it instead of waiting. */
export const RETENTION_CLOCK = Symbol('RETENTION_CLOCK');
export interface RetentionClock {
  now(): Date;
}
export const systemClock: RetentionClock = { now: () => new Date() };

/** How a job deletes: RETENTION_INTERVAL_MS, RETENTION_BATCH_SIZE, RETENTION_BATCH_PAUSE_MS. */
export interface RetentionSettings {
  intervalMs: number;
  batchSize: number;
  pauseMs: number;
}

/** The settings of a service's validated env. */
export const retentionSettings = (env: { RETENTION_INTERVAL_MS: number; RETENTION_BATCH_SIZE: number; RETENTION_BATCH_PAUSE_MS: number }): RetentionSettings => ({
  intervalMs: env.RETENTION_INTERVAL_MS,
  batchSize: env.RETENTION_BATCH_SIZE,
  pauseMs: env.RETENTION_BATCH_PAUSE_MS,
});

/**
 * One kind of row a job deletes. `statement` deletes at most `$2` rows older than `$1` (the
 * cutoff) and is run again until it deletes fewer: every statement is short, so it holds its
 * locks and I/O briefly, whatever the backlog.
 */
export interface RetentionSweep {
  kind: string;
  /** The cutoff for a job run at `now`. */
  cutoff(now: Date): Date;
  statement: string;
}

/** What one run deleted, per kind. */
export type RetentionCounts = Record<string, number>;

/**
 * Runs a service's sweeps on an interval (the first soon after boot, so a backlog starts
 * draining at once), in batches with rests between them (RETENTION_BATCH_PAUSE_MS, and at least
 * REST_FACTOR times the batch's own time). A failed run is logged and the next
 * one tries again: retention is never a reason for a service to stop.
 */
@Injectable()
export abstract class RetentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Measured (bench/src/retention-bench.ts): resting only RETENTION_BATCH_PAUSE_MS doubled the delivery path's p50 on 2 cores. */
  static readonly REST_FACTOR = 3;
  private readonly logger = new Logger(this.constructor.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<RetentionCounts | void>;
  private stopped = false;

  /** The subclass injects the clock (`@Optional() @Inject(RETENTION_CLOCK)`), else the system's. */
  protected constructor(
    protected readonly pool: Pool,
    protected readonly settings: RetentionSettings,
    private readonly clock: RetentionClock = systemClock,
  ) {}

  protected abstract sweeps(): readonly RetentionSweep[];

  onApplicationBootstrap(): void {
    this.schedule(Math.min(this.settings.intervalMs, 60_000));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One run: every sweep, each in batches until nothing is left to delete. */
  async runOnce(now: Date = this.clock.now()): Promise<RetentionCounts> {
    const counts: RetentionCounts = {};
    for (const sweep of this.sweeps()) {
      const cutoff = sweep.cutoff(now);
      counts[sweep.kind] = 0;
      for (;;) {
        const started = performance.now();
        const { rowCount } = await this.pool.query(sweep.statement, [cutoff, this.settings.batchSize]);
        counts[sweep.kind] += rowCount ?? 0;
        if ((rowCount ?? 0) < this.settings.batchSize || this.stopped) break;
        await this.rest(performance.now() - started);
      }
    }
    return counts;
  }

  /**
   * The rest between two batches: RETENTION_BATCH_PAUSE_MS, and at least REST_FACTOR times as
   * long as the batch took (`tookMs`), so that the job keeps Postgres busy at most
   * 1 / (1 + REST_FACTOR) of the time, however fast or slow the machine.
   */
  protected async rest(tookMs = 0): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, Math.max(this.settings.pauseMs, tookMs * RetentionJob.REST_FACTOR)));
  }

  /** Whether the service is shutting down: a long run stops between two batches. */
  protected get stopping(): boolean {
    return this.stopped;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce().then(
        (counts) => {
          const deleted = Object.entries(counts).filter(([, n]) => n > 0);
          if (deleted.length > 0) this.logger.log(`retention deleted ${deleted.map(([kind, n]) => `${n} ${kind}`).join(', ')}`);
        },
        (error: Error) => this.logger.warn(`retention run failed, retried in ${this.settings.intervalMs} ms: ${error.message}`),
      );
      void this.running.finally(() => this.schedule(this.settings.intervalMs));
    }, delayMs);
    this.timer.unref();
  }
}

/** The cutoff `days` before `now`. */
export const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000);
