const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "0", "500ms", "5s", "30m", "2h", "1d" → milliseconds; a bare number is milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration (e.g. 500ms, 5s, 30m, 2h)`);
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']);
}

/**
 * When each attempt of a delivery is made: entry k is the wait before attempt k+1, so the
 * schedule's length is the number of attempts. The default is Svix's: immediately, then 5 s,
 * 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (a day and a half of retrying).
 */
export class RetrySchedule {
  static readonly DEFAULT = '0,5s,5m,30m,2h,5h,10h,10h';

  constructor(
    readonly delays: readonly number[],
    /** ± this fraction of each wait, at random, so endpoints that failed together do not retry together. */
    private readonly jitter = 0.2,
    /** The longest wait a Retry-After header can ask for. */
    private readonly retryAfterMaxMs = 3_600_000,
    private readonly random: () => number = Math.random,
  ) {
    if (delays.length === 0) throw new Error('a retry schedule needs at least one attempt');
  }

  static parse(text: string, jitter?: number, retryAfterMaxMs?: number): RetrySchedule {
    return new RetrySchedule(text.split(',').map(parseDuration), jitter, retryAfterMaxMs);
  }

  get attempts(): number {
    return this.delays.length;
  }

  /**
   * The wait before the next attempt after `attemptsMade` attempts, or null when none is left.
   * A Retry-After from the endpoint replaces the scheduled wait, clamped to [0, max].
   */
  nextDelay(attemptsMade: number, retryAfterMs: number | null = null): number | null {
    if (attemptsMade >= this.delays.length) return null;
    if (retryAfterMs !== null) return Math.min(Math.max(retryAfterMs, 0), this.retryAfterMaxMs);
    const base = this.delays[attemptsMade];
    return Math.max(0, Math.round(base * (1 + this.jitter * (2 * this.random() - 1))));
  }
}

/** Retry-After as seconds or an HTTP date, in milliseconds from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
