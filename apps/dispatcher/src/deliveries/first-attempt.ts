import { publishesOutcome, type AttemptRecord, type ClaimedDelivery, type NewDelivery } from './delivery-log';

/**
 * A delivery's first attempt, made before the delivery has a row. Most callbacks are answered
 * within moments: such a delivery is then written once, with its outcome and its attempt (one
 * insert, where recording it first cost an insert and then an update of the row and its six
 * indexes). One still in flight when the scheduler stops waiting (DISPATCH_RECORD_AFTER) is
 * recorded pending and leased, like any claimed delivery, and its outcome is then written as
 * any attempt's is.
 *
 * Until one or the other is durable, the request's offset is not committed (the deliveries
 * consumer waits for it): a crash meanwhile leaves the request to be consumed, and its callback
 * made, again, with the same webhook-id.
 */
export class FirstAttempt {
  private late = false;
  private readonly ended = deferred<void>();
  /** The outcome's write with the row (the attempt ended in time); unset until then. */
  private written: Promise<void> | null = null;
  /** Whether the outcome, once written, is one for the outbox to publish. */
  publishes = false;
  /** The pending row written (the attempt was still in flight): true, or false when another had recorded the delivery. */
  private readonly row = deferred<boolean>();

  constructor(
    /** The request, as the deliveries topic brought it. */
    readonly request: NewDelivery,
    /** The delivery as its attempt sees it (its day, until its row is written, the lookup's). */
    readonly delivery: ClaimedDelivery,
    /** When the request was admitted, by this process's monotonic clock: the row's created_at. */
    private readonly admittedAt: number,
    /** Writes an attempt's record (the recorder: batched with those finishing alongside). */
    private readonly recordAttempt: (record: AttemptRecord) => Promise<void>,
  ) {}

  /**
   * Writes the attempt's record: DeliveryAttempt.run's `record`. Ended in time, the write is
   * started with the delivery's row and not waited for here: the attempt's slot is free for the
   * next callback at once, and the deliveries consumer waits for the write (`durable`) instead.
   */
  readonly record = async (record: AttemptRecord): Promise<void> => {
    if (!this.late) {
      this.publishes = publishesOutcome(record.finalStatus);
      // Object.assign: a property after a leading spread costs about 0.7 µs on Node.js 20's V8, and this runs per delivery.
      this.written = this.recordAttempt(Object.assign({}, record, { opening: { eventId: this.request.eventId, admittedAt: this.admittedAt } }));
      this.written.catch(() => undefined);
      this.ended.resolve();
      return;
    }
    if (await this.row.promise) await this.recordAttempt(record);
  };

  /** Resolves when the attempt has ended. */
  get finished(): Promise<void> {
    return this.ended.promise;
  }

  /**
   * Called once, when the scheduler stops waiting: the write of the attempt's outcome with the
   * delivery's row, or null when the attempt is still in flight and the row is to be written
   * pending and leased (then call `opened`).
   */
  settle(): Promise<void> | null {
    if (this.written) return this.written;
    this.late = true;
    return null;
  }

  /** The pending row is written in that day's partition, or was not (null: the delivery was recorded already), or failed. */
  opened(logDay: string | null | Error): void {
    if (logDay instanceof Error) return this.row.reject(logDay);
    if (logDay !== null) this.delivery.logDay = logDay;
    this.row.resolve(logDay !== null);
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Awaited only if the attempt gets as far as its record: a failure is never left unhandled.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
