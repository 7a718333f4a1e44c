import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TopicPublisher } from '@tripline/kafka';
import { DeliveryLog } from './delivery-log';
import { WakeableLoop } from './wakeable-loop';

/**
 * Publishes final outcomes to the outcomes topic from the deliveries table (a transactional
 * outbox: the outcome is written with the attempt, and published after), so an outcome
 * survives a crash between the two. Publishing twice is harmless: the registry acts on it
 * idempotently. Only outcomes someone acts on are published (failed, gone, cancelled,
 * validated): a delivered callback changes nothing downstream, and publishing each one cost
 * every delivery two more statements, a produce and the registry's reading.
 */
@Injectable()
export class OutcomeOutbox implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Outcomes are not on the callback's path: gathered for a moment, they go out in fewer, bigger batches. */
  static readonly LINGER_MS = 50;
  private readonly loop = new WakeableLoop('outcome outbox', 1_000, () => this.publishPending());
  private lingering?: NodeJS.Timeout;

  constructor(
    private readonly log: DeliveryLog,
    private readonly publisher: TopicPublisher,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onApplicationShutdown(): Promise<void> {
    clearTimeout(this.lingering);
    return this.loop.stop();
  }

  wake(): void {
    this.lingering ??= setTimeout(() => {
      this.lingering = undefined;
      this.loop.wake();
    }, OutcomeOutbox.LINGER_MS);
  }

  private async publishPending(): Promise<void> {
    for (;;) {
      const pending = await this.log.pendingOutcomes(500);
      if (pending.length === 0) return;
      await this.publisher.publish('deliveryOutcomes', pending.map(({ outcome }) => ({ key: outcome.subscriptionId, value: outcome })));
      await this.log.outcomesPublished(pending.map((p) => p.key));
    }
  }
}
