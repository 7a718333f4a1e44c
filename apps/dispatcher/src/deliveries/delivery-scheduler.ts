import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DISPATCHER_ENV, type DispatcherEnv } from '../dispatcher.env';
import type { Endpoint } from '../endpoints/dispatch-endpoints';
import { EndpointThrottle } from '../endpoints/endpoint-throttle';
import { DeliveryAttempt } from './delivery-attempt';
import { DeliveryLog, type ClaimedDelivery } from './delivery-log';
import { VALIDATION_TRIGGER } from '../endpoints/validation-handshake';
import { OutcomeOutbox } from './outcome-outbox';
import { WakeableLoop } from './wakeable-loop';

/** How long a delivery waits for its endpoint's subscription change before it fails. */
const UNKNOWN_ENDPOINT_GRACE_MS = 5 * 60_000;

/**
 * Makes the attempts that are due, from the durable schedule in Postgres: claims due
 * deliveries up to its free capacity, runs each attempt without waiting for the others (a slow
 * endpoint delays nobody else), and goes again when woken (a new delivery, a finished attempt)
 * or after DISPATCH_POLL_INTERVAL. New deliveries with a free slot skip the claim: the consumer
 * `admit`s them, records them claimed, and hands them to `startAdmitted`.
 */
@Injectable()
export class DeliveryScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryScheduler.name);
  private readonly throttle: EndpointThrottle;
  private readonly inFlight = new Set<Promise<void>>();
  /** Slots admitted to new deliveries whose records are being written. */
  private reserved = 0;
  /** Whether due deliveries may be waiting for a slot: then a finished attempt wakes the loop. */
  private backlog = true;
  private readonly loop: WakeableLoop;

  constructor(
    private readonly log: DeliveryLog,
    private readonly attempt: DeliveryAttempt,
    private readonly outbox: OutcomeOutbox,
    @Inject(DISPATCHER_ENV) private readonly env: DispatcherEnv,
  ) {
    this.throttle = new EndpointThrottle(env.DISPATCH_ENDPOINT_CONCURRENCY, env.DISPATCH_ENDPOINT_RATE);
    this.loop = new WakeableLoop('delivery scheduler', env.DISPATCH_POLL_INTERVAL, () => this.tick());
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
    // Attempts in flight finish and are recorded; the lease covers any that cannot.
    await Promise.allSettled([...this.inFlight]);
  }

  wake(): void {
    this.backlog = true;
    this.loop.wake();
  }

  get leaseMs(): number {
    return this.attempt.leaseMs;
  }

  /**
   * Which new deliveries to attempt right away: those that get a slot overall and at their
   * endpoint, in order. Each admitted one holds its slots until `startAdmitted`.
   */
  admit<D extends { id: string; subscriptionId: string }>(deliveries: D[]): D[] {
    const admitted = new Map<string, D>();
    for (const d of deliveries) {
      if (!this.loop.isRunning || this.inFlight.size + this.reserved >= this.env.DISPATCH_CONCURRENCY) break;
      if (admitted.has(d.id) || !this.throttle.tryAcquire(d.subscriptionId)) continue;
      admitted.set(d.id, d);
      this.reserved++;
    }
    return [...admitted.values()];
  }

  /**
   * Starts the first attempts of admitted deliveries recorded as claimed, and gives back the
   * slots of admitted ones that were not new (a redelivered request: already recorded).
   */
  async startAdmitted(admitted: Array<{ id: string; subscriptionId: string }>, claimed: ClaimedDelivery[]): Promise<void> {
    this.reserved -= admitted.length;
    const started = new Set(claimed.map((d) => d.id));
    for (const d of admitted) if (!started.has(d.id)) this.throttle.release(d.subscriptionId);
    await this.dispatchAll(claimed, true);
  }

  private async tick(): Promise<void> {
    for (;;) {
      const free = this.env.DISPATCH_CONCURRENCY - this.inFlight.size - this.reserved;
      if (!this.loop.isRunning || free <= 0) return;
      const limit = Math.min(free, 500);
      const claimed = await this.log.claimDue(limit, this.attempt.leaseMs, this.throttle.saturated());
      this.backlog = claimed.length === limit;
      if (claimed.length === 0) return;
      await this.dispatchAll(claimed, false);
    }
  }

  /** Starts the attempts of claimed deliveries; `slotsHeld`: their endpoint slots are taken already. */
  private async dispatchAll(claimed: ClaimedDelivery[], slotsHeld: boolean): Promise<void> {
    const postponed = new Map<number, string[]>();
    for (const delivery of claimed) {
      const delay = await this.dispatch(delivery, slotsHeld);
      if (delay !== null) postponed.set(delay, [...(postponed.get(delay) ?? []), delivery.id]);
    }
    for (const [delayMs, ids] of postponed) await this.log.postpone(ids, delayMs);
  }

  /** Starts one attempt, or ends the delivery without one; returns a delay when it is to be postponed instead. */
  private async dispatch(delivery: ClaimedDelivery, slotHeld: boolean): Promise<number | null> {
    const endpoint = delivery.endpoint;
    const attempting = endpoint !== null && this.attemptable(delivery, endpoint);
    if (!attempting && slotHeld) this.throttle.release(delivery.subscriptionId);
    if (!endpoint) {
      // Its subscription change is normally a moment behind; one that never comes is a fault to show, not to spin on.
      if (Date.now() - delivery.createdAt.getTime() < UNKNOWN_ENDPOINT_GRACE_MS) return 500;
      await this.log.finishWithoutAttempt(delivery.id, 'failed', 'the dispatcher never learned of this subscription (see its subscription changes consumer)');
      this.outbox.wake();
      return null;
    }
    if (endpoint.status === 'deleted') {
      await this.log.finishWithoutAttempt(delivery.id, 'cancelled', 'subscription deleted');
      this.outbox.wake();
      return null;
    }
    if (!attempting) {
      await this.log.finishWithoutAttempt(delivery.id, 'failed', `endpoint ${endpoint.status}`);
      this.outbox.wake();
      return null;
    }
    if (!slotHeld && !this.throttle.tryAcquire(endpoint.subscriptionId)) {
      return Math.max(this.throttle.waitFor(endpoint.subscriptionId), 50);
    }
    const work = this.attempt
      .run(delivery, endpoint)
      .catch((error: Error) => this.logger.error(`attempt at ${delivery.id} not recorded (retried after its lease): ${error.message}`))
      .finally(() => {
        this.throttle.release(endpoint.subscriptionId);
        this.inFlight.delete(work);
        this.outbox.wake();
        if (this.backlog) this.loop.wake();
      });
    this.inFlight.add(work);
    return null;
  }

  /** Whether the endpoint takes this delivery: an active one takes events, one pending validation only its handshake. */
  private attemptable(delivery: ClaimedDelivery, endpoint: Endpoint): boolean {
    const handshake = delivery.trigger === VALIDATION_TRIGGER;
    return handshake ? endpoint.status === 'pending_validation' : endpoint.status === 'active';
  }
}
