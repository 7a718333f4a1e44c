import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DISPATCHER_ENV, type DispatcherEnv } from '../dispatcher.env';
import type { Endpoint } from '../endpoints/dispatch-endpoints';
import { EndpointThrottle } from '../endpoints/endpoint-throttle';
import { DeliveryAttempt } from './delivery-attempt';
import { DeliveryLog, type ClaimedDelivery, type FinalStatus, type NewDelivery } from './delivery-log';
import { VALIDATION_TRIGGER } from '../endpoints/validation-handshake';
import { OutcomeOutbox } from './outcome-outbox';
import { WakeableLoop } from './wakeable-loop';

/** How long a delivery waits for its endpoint's subscription change before it fails. */
const UNKNOWN_ENDPOINT_GRACE_MS = 5 * 60_000;

/**
 * Makes the attempts that are due, from the durable schedule in Postgres: claims due
 * deliveries up to its free capacity, runs each attempt without waiting for the others (a slow
 * endpoint delays nobody else), and goes again when woken (a new delivery, a finished attempt)
 * or after DISPATCH_POLL_INTERVAL. New deliveries come in through `schedule`; those with a free
 * slot skip the claim.
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

  /**
   * Records new deliveries (one statement) and starts at once the first attempts of those that
   * get a slot, overall and at their endpoint: they are recorded already claimed, so no claim
   * round trip and no wake-up stand between a request and its callback. The rest wait for the
   * loop. Resolves once the attempts have started, not finished.
   */
  async schedule(deliveries: NewDelivery[]): Promise<void> {
    const admitted = this.admit(deliveries);
    let claimed: ClaimedDelivery[] = [];
    try {
      const opened = await this.log.open(deliveries, new Set(admitted.map((d) => d.id)), this.attempt.leaseMs);
      claimed = opened.claimed;
      if (opened.inserted > claimed.length) this.wake();
    } finally {
      // Admitted ones that were not new (a redelivered request), or not recorded at all, give their slots back.
      this.reserved -= admitted.length;
      const started = new Set(claimed.map((d) => d.id));
      for (const d of admitted) if (!started.has(d.id)) this.throttle.release(d.subscriptionId);
    }
    await this.dispatchAll(claimed, true);
  }

  /** Takes a slot, overall and at its endpoint, for each new delivery that can have one now, in order. */
  private admit(deliveries: NewDelivery[]): NewDelivery[] {
    const admitted = new Map<string, NewDelivery>();
    for (const d of deliveries) {
      if (!this.loop.isRunning || this.inFlight.size + this.reserved >= this.env.DISPATCH_CONCURRENCY) break;
      if (admitted.has(d.id) || !this.throttle.tryAcquire(d.subscriptionId)) continue;
      admitted.set(d.id, d);
      this.reserved++;
    }
    return [...admitted.values()];
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

  /**
   * Starts the attempts of claimed deliveries; `slotsHeld`: their endpoint slots are taken
   * already. Those not attempted are postponed or ended in one statement per kind, not one each.
   */
  private async dispatchAll(claimed: ClaimedDelivery[], slotsHeld: boolean): Promise<void> {
    const postponed = new Map<number, string[]>();
    const ended = new Map<string, { status: FinalStatus; reason: string; ids: string[] }>();
    for (const delivery of claimed) {
      const next = this.dispatch(delivery, slotsHeld);
      if (next === null) continue;
      if ('delayMs' in next) {
        if (!postponed.has(next.delayMs)) postponed.set(next.delayMs, []);
        postponed.get(next.delayMs)!.push(delivery.id);
        continue;
      }
      const key = `${next.status}|${next.reason}`;
      if (!ended.has(key)) ended.set(key, { ...next, ids: [] });
      ended.get(key)!.ids.push(delivery.id);
    }
    for (const [delayMs, ids] of postponed) await this.log.postpone(ids, delayMs);
    for (const { ids, status, reason } of ended.values()) await this.log.finishWithoutAttempt(ids, status, reason);
    if (ended.size > 0) this.outbox.wake();
  }

  /**
   * Starts one attempt (null), or says what to do instead: postpone it (its endpoint is busy, or
   * not known yet), or end it without an attempt (its subscription is gone or disabled).
   */
  private dispatch(delivery: ClaimedDelivery, slotHeld: boolean): { delayMs: number } | { status: FinalStatus; reason: string } | null {
    const endpoint = delivery.endpoint;
    const attempting = endpoint !== null && this.attemptable(delivery, endpoint);
    if (!attempting && slotHeld) this.throttle.release(delivery.subscriptionId);
    if (!endpoint) {
      // Its subscription change is normally a moment behind; one that never comes is a fault to show, not to spin on.
      if (Date.now() - delivery.createdAt.getTime() < UNKNOWN_ENDPOINT_GRACE_MS) return { delayMs: 500 };
      return { status: 'failed', reason: 'the dispatcher never learned of this subscription (see its subscription changes consumer)' };
    }
    if (endpoint.status === 'deleted') return { status: 'cancelled', reason: 'subscription deleted' };
    if (!attempting) return { status: 'failed', reason: `endpoint ${endpoint.status}` };
    if (!slotHeld && !this.throttle.tryAcquire(endpoint.subscriptionId)) {
      return { delayMs: Math.max(this.throttle.waitFor(endpoint.subscriptionId), 50) };
    }
    const work = this.attempt
      .run(delivery, endpoint)
      .then((published) => {
        if (published) this.outbox.wake();
      })
      .catch((error: Error) => this.logger.error(`attempt at ${delivery.id} not recorded (retried after its lease): ${error.message}`))
      .finally(() => {
        this.throttle.release(endpoint.subscriptionId);
        this.inFlight.delete(work);
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
