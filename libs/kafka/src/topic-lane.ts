interface Waiting<M> {
  messages: M[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Sends to one topic one produce request at a time; whatever is published meanwhile waits and
 * goes out together in the next (group commit). Many small concurrent publishes (the gateway's
 * registry requests, one per HTTP call) were one request each, queued five at a time behind
 * the producer's in-flight limit: 32 subscribe calls in flight waited 160 ms for their produce.
 * A lone publish is sent at once, as before, and order is kept.
 *
 * A request the broker refuses (a record too large, say) fails only its own publish: a batch
 * that fails is sent again one publish at a time, so one caller's bad message cannot fail the
 * others that happened to share its request.
 */
export class TopicLane<M> {
  private readonly waiting: Array<Waiting<M>> = [];
  private busy = false;

  constructor(private readonly send: (messages: M[]) => Promise<void>) {}

  publish(messages: M[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ messages, resolve, reject });
      if (!this.busy) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.busy = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0);
      try {
        await this.send(batch.flatMap((w) => w.messages));
        for (const w of batch) w.resolve();
      } catch (error) {
        if (batch.length === 1) batch[0].reject(error);
        else for (const w of batch) await this.send(w.messages).then(w.resolve, w.reject);
      }
    }
    this.busy = false;
  }
}
