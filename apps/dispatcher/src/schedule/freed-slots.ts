/**
 * Lets a caller wait for the next attempt to give its slot back, for at most a while: the
 * deliveries consumer waits so, under a backlog, to record new deliveries already claimed.
 */
export class FreedSlots {
  private readonly waiting = new Set<(freed: boolean) => void>();

  /** Resolves true when a slot is freed within `timeoutMs`, false when none is. */
  next(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (freed: boolean) => {
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve(freed);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiting.add(done);
    });
  }

  /** A slot was freed: every waiter looks again. */
  signal(): void {
    for (const done of [...this.waiting]) done(true);
  }
}
