import { setMaxListeners } from 'node:events';

/**
 * The abort signals that bound each attempt to DISPATCH_TIMEOUT, one shared by the attempts that
 * start within the same `granularityMs`, instead of `AbortSignal.timeout()` per attempt: a
 * signal and its timer per attempt were a tenth of the dispatcher's HTTP client time in
 * `npm run bench:profile`. A shared signal fires `timeoutMs + granularityMs` after its first
 * attempt started, so every attempt gets at least its whole timeout and at most `granularityMs`
 * more; an attempt that ends first detaches from it (undici removes its listener).
 */
export class AttemptDeadlines {
  private current: { until: number; signal: AbortSignal } | null = null;

  constructor(
    private readonly timeoutMs: number,
    private readonly granularityMs = 25,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The signal for an attempt starting now. */
  signal(): AbortSignal {
    const now = this.now();
    if (this.current === null || now >= this.current.until) {
      const signal = AbortSignal.timeout(this.timeoutMs + this.granularityMs);
      // Hundreds of attempts in flight listen to one signal: that is its purpose, not a leak.
      setMaxListeners(0, signal);
      this.current = { until: now + this.granularityMs, signal };
    }
    return this.current.signal;
  }
}
