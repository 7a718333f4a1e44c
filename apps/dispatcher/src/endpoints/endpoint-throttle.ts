/**
 * Per-endpoint limits in one dispatcher instance: at most `concurrency` callbacks in flight to
 * an endpoint, and at most `ratePerSecond` started per second (a token bucket). A slow or
 * hanging endpoint fills its own slots, never everyone's.
 */
export class EndpointThrottle {
  private readonly inFlight = new Map<string, number>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly concurrency: number,
    private readonly ratePerSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a slot and a token if both are free; the caller must `release` after the attempt. */
  tryAcquire(endpoint: string): boolean {
    if ((this.inFlight.get(endpoint) ?? 0) >= this.concurrency) return false;
    const t = this.now();
    const bucket = this.buckets.get(endpoint) ?? { tokens: this.ratePerSecond, at: t };
    bucket.tokens = Math.min(this.ratePerSecond, bucket.tokens + ((t - bucket.at) / 1000) * this.ratePerSecond);
    bucket.at = t;
    this.buckets.set(endpoint, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    this.inFlight.set(endpoint, (this.inFlight.get(endpoint) ?? 0) + 1);
    return true;
  }

  release(endpoint: string): void {
    const n = (this.inFlight.get(endpoint) ?? 1) - 1;
    if (n <= 0) this.inFlight.delete(endpoint);
    else this.inFlight.set(endpoint, n);
  }

  /** Endpoints with no free slot: not worth claiming their deliveries now. */
  saturated(): string[] {
    return [...this.inFlight].filter(([, n]) => n >= this.concurrency).map(([endpoint]) => endpoint);
  }

  /** Ms until the endpoint has a token again (for postponing, not counting as an attempt). */
  waitFor(endpoint: string): number {
    const bucket = this.buckets.get(endpoint);
    if (!bucket || bucket.tokens >= 1) return 0;
    return Math.ceil(((1 - bucket.tokens) / this.ratePerSecond) * 1000);
  }
}
