import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DISPATCHER_ENV, type DispatcherEnv } from '../dispatcher.env';
import { DispatchEndpoints, type Endpoint } from '../endpoints/dispatch-endpoints';
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
 * or after DISPATCH_POLL_INTERVAL.
 */
@Injectable()
export class DeliveryScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryScheduler.name);
  private readonly throttle: EndpointThrottle;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly loop: WakeableLoop;

  constructor(
    private readonly log: DeliveryLog,
    private readonly endpoints: DispatchEndpoints,
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
    this.loop.wake();
  }

  private async tick(): Promise<void> {
    for (;;) {
      const free = this.env.DISPATCH_CONCURRENCY - this.inFlight.size;
      if (!this.loop.isRunning || free <= 0) return;
      const claimed = await this.log.claimDue(Math.min(free, 500), this.attempt.leaseMs, this.throttle.saturated());
      if (claimed.length === 0) return;
      const endpoints = await this.endpoints.find(claimed.map((d) => d.subscriptionId));
      for (const delivery of claimed) await this.dispatch(delivery, endpoints.get(delivery.subscriptionId));
    }
  }

  private async dispatch(delivery: ClaimedDelivery, endpoint: Endpoint | undefined): Promise<void> {
    if (!endpoint) {
      // Its subscription change is normally a moment behind; one that never comes is a fault to show, not to spin on.
      if (Date.now() - delivery.createdAt.getTime() < UNKNOWN_ENDPOINT_GRACE_MS) return this.log.postpone(delivery.id, 500);
      await this.log.finishWithoutAttempt(delivery.id, 'failed', 'the dispatcher never learned of this subscription (see its subscription changes consumer)');
      return this.outbox.wake();
    }
    if (endpoint.status === 'deleted') {
      await this.log.finishWithoutAttempt(delivery.id, 'cancelled', 'subscription deleted');
      return this.outbox.wake();
    }
    const handshake = delivery.trigger === VALIDATION_TRIGGER;
    if (handshake ? endpoint.status !== 'pending_validation' : endpoint.status !== 'active') {
      await this.log.finishWithoutAttempt(delivery.id, 'failed', `endpoint ${endpoint.status}`);
      return this.outbox.wake();
    }
    if (!this.throttle.tryAcquire(endpoint.subscriptionId)) {
      return this.log.postpone(delivery.id, Math.max(this.throttle.waitFor(endpoint.subscriptionId), 50));
    }
    const work = this.attempt
      .run(delivery, endpoint)
      .catch((error: Error) => this.logger.error(`attempt at ${delivery.id} not recorded (retried after its lease): ${error.message}`))
      .finally(() => {
        this.throttle.release(endpoint.subscriptionId);
        this.inFlight.delete(work);
        this.outbox.wake();
        this.wake();
      });
    this.inFlight.add(work);
  }
}
