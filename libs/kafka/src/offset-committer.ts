import type { Logger } from '@nestjs/common';
import type { Consumer } from 'kafkajs';

/**
 * Commits a consumer's handled offsets in the background, every partition in one request, at
 * most every INTERVAL_MS. An offset commit is a write on the broker like a produce: committing
 * after every fetch made it a third of the broker's requests, and a round trip on each hop's
 * path. A crash loses at most the last interval's commits: those messages are handled again,
 * which every handler already tolerates (at-least-once, idempotent by design).
 */
export class OffsetCommitter {
  static readonly INTERVAL_MS = 100;
  private static readonly RETRY_MS = 1_000;
  /** partition → the next offset to read, whose messages' work is durable. */
  private readonly pending = new Map<number, string>();
  private timer?: NodeJS.Timeout;
  /** Commits run one after another, so an older one never lands after a newer one. */
  private committing: Promise<void> = Promise.resolve();
  private stopped = false;
  /** The partitions this member was last assigned; null until it joins. */
  private assigned: ReadonlySet<number> | null = null;

  constructor(
    private readonly topic: string,
    private readonly consumer: () => Consumer,
    private readonly logger: Logger,
    private readonly onFailure: () => void = () => undefined,
  ) {}

  add(offsets: Array<{ partition: number; offset: string }>): void {
    for (const { partition, offset } of offsets) this.pending.set(partition, offset);
    this.schedule(OffsetCommitter.INTERVAL_MS);
  }

  /** After a rebalance, offsets of partitions this member no longer owns are not its to commit. */
  retain(partitions: readonly number[]): void {
    this.assigned = new Set(partitions);
    for (const partition of this.pending.keys()) if (!this.assigned.has(partition)) this.pending.delete(partition);
  }

  /** Commits what is pending now; resolves once that commit, and every one before it, is done. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.committing = this.committing.then(() => this.commitPending());
    return this.committing;
  }

  /**
   * Commits what is pending, waiting at most `timeoutMs` (with the broker gone, kafkajs would
   * retry for minutes), and stops: the consumer is about to stop, and kafkajs drops later commits.
   */
  async close(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.flush(), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
    this.timer.unref();
  }

  private async commitPending(): Promise<void> {
    if (this.pending.size === 0) return;
    const offsets = [...this.pending].map(([partition, offset]) => ({ topic: this.topic, partition, offset }));
    this.pending.clear();
    try {
      await this.consumer().commitOffsets(offsets);
    } catch (error) {
      // Kept for the next commit unless a newer offset replaced them meanwhile, or a rebalance
      // (the usual cause of a failed commit) gave the partition to another member.
      for (const o of offsets) {
        if (!this.pending.has(o.partition) && (this.assigned?.has(o.partition) ?? true)) this.pending.set(o.partition, o.offset);
      }
      this.onFailure();
      this.logger.warn(`committing offsets of ${this.topic} failed, retrying: ${(error as Error).message}`);
      this.schedule(OffsetCommitter.RETRY_MS);
    }
  }
}
