import type { ThrottlerStorage } from '@nestjs/throttler';
import { LRUCache } from 'lru-cache';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** The clock buckets refill by; a test passes its own. */
export interface BucketClock {
  now(): number;
}

/**
 * A storage for @nestjs/throttler that keeps one token bucket per key, as one timestamp (GCRA):
 * a client may spend `limit` requests at once, and its budget refills evenly, `limit` per `ttl`.
 * A refused request spends nothing. Retry-After is exact: when the next request would fit.
 *
 * Why not the library's own storage: it keeps every counted request of the window and scans
 * them on each call (measured here: 36 µs a request at a limit of 600, 400 µs at 10,000), so a
 * client hammering past its limit costs CPU in proportion to the limit. This costs the same at
 * any limit. A key's time in the past means its bucket is full (as does its absence); at most
 * `maxKeys` are kept, the least recently used going first (a dropped key starts full again).
 *
 * Keys carry no TTL of their own: lru-cache deletes an expired key when it is read, and deleting
 * the only key clears the whole cache, filling its arrays of `maxKeys` slots. With one tenant
 * calling at a steady pace every request found its key expired: an eighth of the gateway's CPU
 * in a profile of subscribe calls (`npm run bench:profile`'s harness), in proportion to maxKeys.
 */
export class TokenBucketStorage implements ThrottlerStorage {
  /** For each key, when its bucket is full again. */
  private readonly fullAt: LRUCache<string, number>;

  constructor(
    maxKeys = 100_000,
    private readonly clock: BucketClock = performance,
  ) {
    this.fullAt = new LRUCache({ max: maxKeys });
  }

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const now = this.clock.now();
    const perRequest = ttl / limit;
    const fullAt = Math.max(this.fullAt.get(key) ?? now, now);
    const next = fullAt + perRequest;
    // A microsecond of slack, so that float rounding of ttl / limit never refuses the limit-th request.
    if (next - now > ttl + 0.001) {
      return { totalHits: limit + 1, timeToExpire: seconds(fullAt - now), isBlocked: true, timeToBlockExpire: seconds(next - now - ttl) };
    }
    this.fullAt.set(key, next);
    return { totalHits: Math.round((next - now) / perRequest), timeToExpire: seconds(next - now), isBlocked: false, timeToBlockExpire: 0 };
  }
}

/** Whole seconds, rounded up: a client waiting that long is never early. */
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
