import type { Logger } from '@nestjs/common';
import type { Consumer } from 'kafkajs';

/** A fetch's handled messages of one partition: offsets `from` up to (not including) `next`. */
export interface HandledRange {
  partition: number;
  /** The first offset handled. */
  from: string;
  /** The next offset to read. */
  next: string;
}

/** A partition's handled range whose work may not be durable yet. */
interface HeldRange {
  from: string;
  next: string;
  durable: boolean;
}

/**
 * Commits a consumer's handled offsets in the background, every partition in one request, at
 * most every INTERVAL_MS. An offset commit is a write on the broker like a produce: committing
 * after every fetch made it a third of the broker's requests, and a round trip on each hop's
 * path. A crash loses at most the last interval's commits: those messages are handled again,
 * which every handler already tolerates (at-least-once, idempotent by design).
 *
 * A fetch whose work becomes durable after its handler returned (`add` with `durable`) holds
 * its partitions' commits back until then, and so does every later fetch of those partitions:
 * a partition is committed only up to its oldest range not yet durable, while the consumer goes
 * on fetching. A range whose work failed rewinds its partition to the oldest offset not
 * committed (`rewind`), to be handled again; later ranges of it are handled again with it.
 */
export class OffsetCommitter {
  static readonly INTERVAL_MS = 100;
  private static readonly RETRY_MS = 1_000;
  /** partition → the next offset to read, whose messages' work is durable. */
  private readonly pending = new Map<number, string>();
  /** partition → its handled ranges, in order, from the oldest whose work is not durable yet. */
  private readonly awaited = new Map<number, HeldRange[]>();
  /** partition → the offset it was rewound to: ranges past it, handled before the rewind took effect, are handled again. */
  private readonly rewound = new Map<number, bigint>();
  /** The durable promises not settled yet: closing waits for them. */
  private readonly outstanding = new Set<Promise<unknown>>();
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
    /** Moves a partition's fetch position back to `offset`, so what follows it is fetched and handled again. */
    private readonly rewind: (partition: number, offset: string) => void = () => undefined,
  ) {}

  /**
   * Handled ranges, to be committed once their work is durable: now, or when `durable` resolves.
   * If it rejects, their partitions are rewound.
   */
  add(ranges: HandledRange[], durable?: Promise<unknown>): void {
    const queued: Array<[number, HeldRange]> = [];
    for (const range of ranges) {
      const rewoundTo = this.rewound.get(range.partition);
      if (rewoundTo !== undefined) {
        if (BigInt(range.from) > rewoundTo) continue;
        this.rewound.delete(range.partition);
      }
      const waiting = this.awaited.get(range.partition);
      if (!durable && !waiting) {
        this.pending.set(range.partition, range.next);
        continue;
      }
      const entry = { from: range.from, next: range.next, durable: !durable };
      if (waiting) waiting.push(entry);
      else this.awaited.set(range.partition, [entry]);
      queued.push([range.partition, entry]);
    }
    if (durable && queued.length > 0) void this.track(durable, queued);
    this.advance(...queued.filter(([, e]) => e.durable).map(([p]) => p));
    this.schedule(OffsetCommitter.INTERVAL_MS);
  }

  /** Makes the ranges committable once `durable` resolves, or rewinds their partitions if it rejects. */
  private async track(durable: Promise<unknown>, queued: Array<[number, HeldRange]>): Promise<void> {
    this.outstanding.add(durable);
    try {
      await durable;
      for (const [, range] of queued) range.durable = true;
      this.advance(...queued.map(([partition]) => partition));
    } catch (error) {
      // Only partitions still holding these ranges: a rebalance or an earlier rewind may have dropped them.
      const partitions = new Set(queued.filter(([p, range]) => this.awaited.get(p)?.includes(range)).map(([p]) => p));
      for (const partition of partitions) this.rewindTo(partition, error);
    } finally {
      this.outstanding.delete(durable);
    }
  }

  /** After a rebalance, offsets of partitions this member no longer owns are not its to commit. */
  retain(partitions: readonly number[]): void {
    this.assigned = new Set(partitions);
    for (const partition of this.pending.keys()) if (!this.assigned.has(partition)) this.pending.delete(partition);
    for (const partition of [...this.awaited.keys(), ...this.rewound.keys()]) {
      if (!this.assigned.has(partition)) {
        this.awaited.delete(partition);
        this.rewound.delete(partition);
      }
    }
  }

  /** Commits what is pending now; resolves once that commit, and every one before it, is done. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.committing = this.committing.then(() => this.commitPending());
    return this.committing;
  }

  /**
   * Waits for the work not durable yet, commits what is pending, waiting at most `timeoutMs` in
   * all (with the broker gone, kafkajs would retry for minutes), and stops: the consumer is about
   * to stop, and kafkajs drops later commits.
   */
  async close(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const closing = Promise.allSettled([...this.outstanding]).then(() => this.flush());
    await Promise.race([closing, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Makes the partition's leading durable ranges committable. */
  private advance(...partitions: number[]): void {
    let moved = false;
    for (const partition of new Set(partitions)) {
      const waiting = this.awaited.get(partition);
      if (!waiting) continue;
      while (waiting.length > 0 && waiting[0].durable) {
        this.pending.set(partition, waiting.shift()!.next);
        moved = true;
      }
      if (waiting.length === 0) this.awaited.delete(partition);
    }
    if (moved) this.schedule(OffsetCommitter.INTERVAL_MS);
  }

  /** Drops what the partition awaits and fetches it again from its oldest offset not committed. */
  private rewindTo(partition: number, error: unknown): void {
    const waiting = this.awaited.get(partition);
    if (!waiting?.length || this.stopped) return;
    const from = waiting[0].from;
    this.awaited.delete(partition);
    this.rewound.set(partition, BigInt(from));
    this.logger.warn(`the work of ${this.topic}[${partition}] from offset ${from} did not become durable, handling it again: ${(error as Error)?.message ?? error}`);
    try {
      this.rewind(partition, from);
    } catch (seekError) {
      // A consumer being rebuilt: the new one starts from the last commit, which is before `from`.
      this.logger.warn(`could not seek ${this.topic}[${partition}] back to ${from}: ${(seekError as Error).message}`);
    }
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
