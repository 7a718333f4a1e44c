import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ApiKeyStore } from './api-key-store';

/** The wall clock uses are recorded by (epoch ms); a test passes its own. */
export const API_KEY_USAGE_CLOCK = Symbol('API_KEY_USAGE_CLOCK');
export interface WallClock {
  now(): number;
}

/**
 * Records when each API key was last used (`api_keys.last_used_at`, shown to its tenant), cheaply:
 * never a write per request. A key is written at most once per RECORD_INTERVAL_MS by this
 * instance, and the keys used meanwhile go in one statement FLUSH_DELAY_MS after the first of them,
 * off the request's path (nothing waits for it). The statement itself skips a key another
 * instance recorded within the interval, so N instances write a busy key about once a minute, not
 * N times. The time shown is thus the last use to within a minute.
 *
 * Wherever keys are verified (the gateway, ingestion) uses are recorded, as a key used only for
 * ingestion must not look unused to a tenant deciding what to revoke: a narrow, deliberate write
 * by ingestion to one column of the gateway's table (docs/architecture.md, "Tables").
 * Best effort: a failed write is logged and retried at the key's next use; shutdown flushes.
 */
@Injectable()
export class ApiKeyUsage implements OnModuleDestroy {
  static readonly RECORD_INTERVAL_MS = 60_000;
  static readonly FLUSH_DELAY_MS = 1_000;
  static readonly MAX_ENTRIES = 10_000;

  private readonly logger = new Logger(ApiKeyUsage.name);
  private readonly clock: WallClock;
  /** Prefixes recorded (or queued) within the interval. Bounded: one pushed out is merely written again. */
  private readonly recorded: LRUCache<string, true>;
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ApiKeyStore,
    @Optional() @Inject(API_KEY_USAGE_CLOCK) clock?: WallClock,
  ) {
    this.clock = clock ?? Date;
    this.recorded = new LRUCache({ max: ApiKeyUsage.MAX_ENTRIES, ttl: ApiKeyUsage.RECORD_INTERVAL_MS, ttlResolution: 0, perf: this.clock });
  }

  /** A request was authenticated by the key of this prefix. */
  used(prefix: string): void {
    if (this.recorded.has(prefix)) return;
    this.recorded.set(prefix, true);
    this.pending.add(prefix);
    // unref: a pending write never keeps a process alive; shutdown flushes it instead.
    this.timer ??= setTimeout(() => void this.flush(), ApiKeyUsage.FLUSH_DELAY_MS).unref();
  }

  /** Writes the uses queued so far, now. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const prefixes = [...this.pending];
    this.pending = new Set();
    try {
      await this.store.markUsed(prefixes, new Date(this.clock.now()), ApiKeyUsage.RECORD_INTERVAL_MS);
    } catch (error) {
      for (const prefix of prefixes) this.recorded.delete(prefix);
      this.logger.warn(`recording the last use of ${prefixes.length} API key(s) failed (retried at their next use): ${(error as Error).message}`);
    }
  }

  /** Before the database client closes (it does on application shutdown, which comes after). */
  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }
}
