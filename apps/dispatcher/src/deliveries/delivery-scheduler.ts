import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DISPATCHER_ENV, tenantConcurrency, type DispatcherEnv } from '../dispatcher.env';
import type { CallableEndpoint, Endpoint } from '../endpoints/dispatch-endpoints';
import { EndpointThrottle } from '../endpoints/endpoint-throttle';
import { AttemptRecorder } from './attempt-recorder';
import { DeliveryAttempt } from './delivery-attempt';
import { DeliveryLog, type AttemptRecord, type ClaimedDelivery, type DeliveryKey, type FinalStatus, type NewDelivery } from './delivery-log';
import { DeliveryMetrics } from './delivery-metrics';
import { VALIDATION_TRIGGER } from '../endpoints/validation-handshake';
import { FreedSlots } from '../schedule/freed-slots';
import { FirstAttempt } from './first-attempt';
import { TenantSlots } from '../schedule/tenant-slots';
import { OutcomeOutbox } from './outcome-outbox';
import { WakeableLoop } from './wakeable-loop';

/** How a delivery ends without an attempt; `publish`: whether its outcome goes to the registry. */
interface Ending {
  status: FinalStatus;
  reason: string;
  publish: boolean;
}

/** Why a delivery ends when its endpoint's URL does not open with this key (the URL itself is never told). */
export const UNOPENABLE_URL = 'the callback URL of its subscription cannot be opened with this TRIPLINE_SECRETS_KEY';

/** A batch of new deliveries stops waiting for slots when no attempt has finished for this long (see `schedule`)... */
const STALLED_MS = 100;
/**
 * ...or after this long in all. Waiting is what a backlog costs least: what is left of the batch
 * after it is recorded unclaimed and claimed again later, an insert, a claim and an update more
 * per delivery (`npm run bench`: with 1 s, half of a drain's deliveries went that way).
 */
const PATIENCE_MS = 5_000;

/** How long a delivery waits for its endpoint's subscription change before it fails. */
const UNKNOWN_ENDPOINT_GRACE_MS = 5 * 60_000;

/**
 * Makes the attempts that are due, from the durable schedule in Postgres: claims due
 * deliveries up to its free capacity, runs each attempt without waiting for the others (a slow
 * endpoint delays nobody else), and goes again when woken (a new delivery, a finished attempt)
 * or after DISPATCH_POLL_INTERVAL. New deliveries come in through `schedule`; those with a free
 * slot skip the claim.
 *
 * An attempt needs three slots: one of the instance's (DISPATCH_CONCURRENCY), one of its
 * tenant's (DISPATCH_TENANT_CONCURRENCY) and one of its endpoint's (DISPATCH_ENDPOINT_CONCURRENCY,
 * and a token of DISPATCH_ENDPOINT_RATE). Neither a hanging endpoint nor a tenant with many of
 * them can take the slots everyone else's callbacks need.
 */
@Injectable()
export class DeliveryScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryScheduler.name);
  private readonly throttle: EndpointThrottle;
  private readonly tenants: TenantSlots;
  private readonly inFlight = new Set<Promise<void>>();
  /** Slots admitted to new deliveries whose records are being written. */
  private reserved = 0;
  /** Whether due deliveries may be waiting for a slot: then a finished attempt wakes the loop. */
  private backlog = true;
  private readonly loop: WakeableLoop;
  private readonly freed = new FreedSlots();
  /** Deliveries whose first attempts are under way without a row yet: another copy of one is not attempted. */
  private readonly unrecorded = new Set<string>();

  constructor(
    private readonly log: DeliveryLog,
    private readonly attempt: DeliveryAttempt,
    private readonly recorder: AttemptRecorder,
    private readonly outbox: OutcomeOutbox,
    @Inject(DISPATCHER_ENV) private readonly env: DispatcherEnv,
    private readonly metrics: DeliveryMetrics,
  ) {
    this.throttle = new EndpointThrottle(env.DISPATCH_ENDPOINT_CONCURRENCY, env.DISPATCH_ENDPOINT_RATE);
    this.tenants = new TenantSlots(tenantConcurrency(env));
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
   * Records new deliveries and starts at once the first attempts of those that get a slot,
   * overall, at their tenant and at their endpoint. Resolves once every delivery is durable:
   * recorded pending, or with the outcome of its first attempt (see FirstAttempt).
   */
  async schedule(deliveries: NewDelivery[], heartbeat?: () => Promise<void>): Promise<void> {
    await (await this.take(deliveries, heartbeat)).durable;
  }

  /**
   * `schedule`, resolving as soon as every delivery is recorded or its first attempt started,
   * with `durable`: resolves once every one is durable (the deliveries consumer commits their
   * offsets only then, and goes on fetching meanwhile).
   *
   * A delivery with a slot and an endpoint ready to take it is attempted before it is recorded,
   * and written once with its outcome if the attempt ends within DISPATCH_RECORD_AFTER. The rest
   * are recorded at once, those with a slot already claimed (no claim round trip, no wake-up
   * between the request and its callback); the others wait for the loop.
   *
   * Under a backlog the instance's slots are all taken, and a delivery recorded unclaimed costs
   * a claim later (its row locked, read back with its body, and updated once more: a third of
   * Postgres's statement time per delivery in `npm run bench`). So while attempts keep finishing,
   * the batch waits for slots and is taken a piece at a time; Kafka holds the rest meanwhile
   * (the consumer does not fetch on). The wait is for the instance's own slots only, never a
   * tenant's or an endpoint's (their deliveries are recorded for later at once), and it ends when
   * no attempt has finished for STALLED_MS or after PATIENCE_MS in all: endpoints that hang hold
   * a partition back by no more than that. `heartbeat` keeps the consumer's group membership
   * meanwhile.
   */
  async take(deliveries: NewDelivery[], heartbeat: () => Promise<void> = async () => undefined): Promise<{ durable: Promise<void> }> {
    const giveUpAt = performance.now() + PATIENCE_MS;
    const settling: Array<Promise<void>> = [];
    try {
      for (let rest = deliveries; rest.length > 0; ) {
        const piece = await this.nextPiece(rest, giveUpAt);
        // The wait can outlast the group's heartbeat interval (kafkajs sends one at most that often).
        await heartbeat();
        settling.push((await this.recordAndStart(piece)).settled);
        rest = rest.slice(piece.length);
      }
    } catch (error) {
      // What was attempted is recorded before the requests go back to Kafka: handled again,
      // they are found recorded and not attempted twice.
      await Promise.allSettled(settling);
      throw error;
    }
    const durable = Promise.all(settling).then(() => undefined);
    durable.catch(() => undefined);
    return { durable };
  }

  /** The deliveries to take next: as many as have a free slot, once enough are free; all of them once waiting is over. */
  private async nextPiece(rest: NewDelivery[], giveUpAt: number): Promise<NewDelivery[]> {
    // A piece is one statement: too small a one would cost more than the claim it saves.
    const enough = Math.min(rest.length, Math.max(1, Math.floor(this.env.DISPATCH_CONCURRENCY / 8)));
    while (this.free() < enough) {
      const wait = Math.min(giveUpAt - performance.now(), STALLED_MS);
      if (wait <= 0 || !this.loop.isRunning || !(await this.freed.next(wait))) return rest;
    }
    return rest.slice(0, this.free());
  }

  private free(): number {
    return this.env.DISPATCH_CONCURRENCY - this.inFlight.size - this.reserved;
  }

  /**
   * Starts the first attempts it can before recording anything, records the rest (one
   * statement; those with a slot claimed) and starts their attempts. Resolves once all have
   * started, with `settled`: the first attempts' deliveries are durable.
   */
  private async recordAndStart(deliveries: NewDelivery[]): Promise<{ settled: Promise<void> }> {
    const admitted = this.admit(deliveries);
    let firsts: FirstAttempt[] = [];
    let claimed: ClaimedDelivery[] = [];
    try {
      const started = await this.startFirstAttempts(admitted);
      firsts = started.firsts;
      const skip = started.skip;
      for (const d of deliveries) if (this.unrecorded.has(d.id)) skip.add(d.id);
      const rest = skip.size === 0 ? deliveries : deliveries.filter((d) => !skip.has(d.id));
      const opened = await this.log.open(rest, new Set(admitted.filter((d) => !skip.has(d.id)).map((d) => d.id)), this.attempt.leaseMs);
      claimed = opened.claimed;
      if (opened.inserted > claimed.length) this.wake();
    } catch (error) {
      await this.settle(firsts).catch(() => undefined);
      throw error;
    } finally {
      // Admitted ones that were not new (a redelivered request), or not recorded at all, give their slots back.
      this.reserved -= admitted.length;
      const started = new Set([...claimed.map((d) => d.id), ...firsts.map((f) => f.delivery.id)]);
      for (const d of admitted) if (!started.has(d.id)) this.releaseSlots(d);
    }
    await this.dispatchAll(claimed, true);
    const settled = this.settle(firsts);
    // Awaited by `schedule` once every piece has started; never an unhandled rejection meanwhile.
    settled.catch(() => undefined);
    return { settled };
  }

  /**
   * Starts, before anything is written, the first attempts of admitted deliveries whose
   * endpoints take them now (one read: which are recorded already, and their endpoints).
   * `skip`: those started, and those recorded already (a redelivered request).
   */
  private async startFirstAttempts(admitted: NewDelivery[]): Promise<{ firsts: FirstAttempt[]; skip: Set<string> }> {
    const firsts: FirstAttempt[] = [];
    const skip = new Set<string>();
    const candidates = admitted.filter((d) => !this.unrecorded.has(d.id));
    if (this.env.DISPATCH_RECORD_AFTER === 0 || candidates.length === 0) return { firsts, skip };
    const admittedAt = performance.now();
    const { known, endpoints, now, logDay } = await this.log.lookUp(candidates);
    for (const request of candidates) {
      if (known.has(request.id)) {
        skip.add(request.id);
        continue;
      }
      const endpoint = endpoints.get(request.subscriptionId) ?? null;
      const delivery: ClaimedDelivery = {
        id: request.id,
        logDay,
        trigger: request.trigger,
        createdAt: now,
        claimedAt: now,
        tenantId: request.tenantId,
        subscriptionId: request.subscriptionId,
        body: request.body,
        attemptCount: 0,
        traceparent: request.traceparent ?? null,
        endpoint,
      };
      // Not attempted now (no endpoint yet, one of another tenant, one that does not take it):
      // recorded claimed, then postponed or ended as any claimed delivery.
      if (endpoint?.tenantId !== request.tenantId || this.insteadOfAttempt(delivery) !== null) continue;
      const first = new FirstAttempt(request, delivery, admittedAt, (record) => this.recorder.record(record));
      this.unrecorded.add(request.id);
      this.dispatch(delivery, true, first.record);
      firsts.push(first);
      skip.add(request.id);
    }
    return { firsts, skip };
  }

  /**
   * Waits for first attempts to end, up to DISPATCH_RECORD_AFTER, then for each delivery to be
   * durable: with its outcome (one insert, started as its attempt ended) if its attempt ended,
   * else recorded pending and leased.
   */
  private async settle(firsts: FirstAttempt[]): Promise<void> {
    if (firsts.length === 0) return;
    await within(Promise.all(firsts.map((f) => f.finished)), this.env.DISPATCH_RECORD_AFTER);
    const writes: Array<Promise<void>> = [];
    const inFlight: FirstAttempt[] = [];
    for (const first of firsts) {
      const written = first.settle();
      if (written) writes.push(written);
      else inFlight.push(first);
    }
    try {
      await Promise.all([...writes, this.recordInFlight(inFlight)]);
      // Outcomes the registry acts on (a first attempt answered 410, say) are published now, not at the outbox's next poll.
      if (firsts.some((f) => f.publishes)) this.outbox.wake();
    } finally {
      for (const first of firsts) this.unrecorded.delete(first.delivery.id);
    }
  }

  /** Records first attempts' deliveries still in flight, pending and leased to this instance. */
  private async recordInFlight(firsts: FirstAttempt[]): Promise<void> {
    if (firsts.length === 0) return;
    try {
      const { claimed } = await this.log.open(firsts.map((f) => f.request), new Set(firsts.map((f) => f.delivery.id)), this.attempt.leaseMs);
      const days = new Map(claimed.map((d) => [d.id, d.logDay]));
      for (const first of firsts) first.opened(days.get(first.delivery.id) ?? null);
    } catch (error) {
      for (const first of firsts) first.opened(error as Error);
      throw error;
    }
  }

  /** Takes a slot, overall, at its tenant and at its endpoint, for each new delivery that can have one now, in order. */
  private admit(deliveries: NewDelivery[]): NewDelivery[] {
    const admitted = new Map<string, NewDelivery>();
    for (const d of deliveries) {
      if (!this.loop.isRunning || this.inFlight.size + this.reserved >= this.env.DISPATCH_CONCURRENCY) break;
      if (admitted.has(d.id) || !this.takeSlots(d)) continue;
      admitted.set(d.id, d);
      this.reserved++;
    }
    return [...admitted.values()];
  }

  /** A tenant's slot and its endpoint's, both or neither. */
  private takeSlots(d: { tenantId: string; subscriptionId: string }): boolean {
    if (!this.tenants.tryAcquire(d.tenantId)) return false;
    if (this.throttle.tryAcquire(d.subscriptionId)) return true;
    this.tenants.release(d.tenantId);
    return false;
  }

  /** True when the tenant was at its cap (its due deliveries were skipped by claims meanwhile). */
  private releaseSlots(d: { tenantId: string; subscriptionId: string }): boolean {
    this.throttle.release(d.subscriptionId);
    const tenantWasFull = this.tenants.release(d.tenantId);
    this.freed.signal();
    return tenantWasFull;
  }

  private async tick(): Promise<void> {
    for (;;) {
      const free = this.env.DISPATCH_CONCURRENCY - this.inFlight.size - this.reserved;
      if (!this.loop.isRunning || free <= 0) return;
      const limit = Math.min(free, 500);
      const { saturated, partlyUsed } = this.tenants.room();
      const { claimed, more } = await this.log.claimDue(limit, this.attempt.leaseMs, {
        endpoints: this.throttle.saturated(),
        tenants: saturated,
        partlyUsedTenants: partlyUsed,
        tenantCap: this.tenants.cap,
      });
      this.backlog = more;
      if (claimed.length === 0) return;
      await this.dispatchAll(claimed, false);
    }
  }

  /**
   * Starts the attempts of claimed deliveries; `slotsHeld`: their tenant and endpoint slots are
   * taken already. Those not attempted are postponed or ended in one statement per kind, not one each.
   */
  private async dispatchAll(claimed: ClaimedDelivery[], slotsHeld: boolean): Promise<void> {
    const postponed = new Map<number, DeliveryKey[]>();
    const ended = new Map<string, Ending & { keys: DeliveryKey[] }>();
    for (const delivery of claimed) {
      const next = this.dispatch(delivery, slotsHeld);
      if (next === null) continue;
      if ('delayMs' in next) {
        if (!postponed.has(next.delayMs)) postponed.set(next.delayMs, []);
        postponed.get(next.delayMs)!.push(delivery);
        continue;
      }
      const key = `${next.status}|${next.publish}|${next.reason}`;
      if (!ended.has(key)) ended.set(key, { ...next, keys: [] });
      ended.get(key)!.keys.push(delivery);
    }
    for (const [delayMs, keys] of postponed) await this.log.postpone(keys, delayMs);
    for (const { keys, status, reason, publish } of ended.values()) {
      await this.log.finishWithoutAttempt(keys, status, reason, publish);
      this.metrics.ended(status, keys.length);
    }
    if (ended.size > 0) this.outbox.wake();
  }

  /**
   * Starts one attempt (null), or says what to do instead: postpone it (its tenant or endpoint
   * is busy, or its endpoint not known yet), or end it without an attempt (its subscription is
   * gone or disabled, its URL does not open, or the request was not its tenant's to make).
   */
  private dispatch(delivery: ClaimedDelivery, slotHeld: boolean, record?: (record: AttemptRecord) => Promise<void>): { delayMs: number } | Ending | null {
    const endpoint = delivery.endpoint;
    const instead = this.insteadOfAttempt(delivery);
    if (instead) {
      if (slotHeld) this.releaseSlots(delivery);
      return instead;
    }
    if (!slotHeld && !this.takeSlots(delivery)) {
      return { delayMs: Math.max(this.throttle.waitFor(delivery.subscriptionId), 50) };
    }
    const work = this.attempt
      .run(delivery, endpoint as CallableEndpoint, record)
      .then((published) => {
        if (published) this.outbox.wake();
      })
      .catch((error: Error) => this.logger.error(`attempt at ${delivery.id} not recorded (retried after its lease): ${error.message}`))
      .finally(() => {
        const tenantWasFull = this.releaseSlots(delivery);
        this.inFlight.delete(work);
        if (this.backlog || tenantWasFull) this.loop.wake();
      });
    this.inFlight.add(work);
    return null;
  }

  /** Why this delivery is not attempted now, if it is not: null when its endpoint takes it. */
  private insteadOfAttempt(delivery: ClaimedDelivery): { delayMs: number } | Ending | null {
    const endpoint = delivery.endpoint;
    if (!endpoint) {
      // Its subscription change is normally a moment behind; one that never comes is a fault to show, not to spin on.
      if (delivery.claimedAt.getTime() - delivery.createdAt.getTime() < UNKNOWN_ENDPOINT_GRACE_MS) return { delayMs: 500 };
      return { status: 'failed', reason: 'the dispatcher never learned of this subscription (see its subscription changes consumer)', publish: true };
    }
    if (endpoint.tenantId !== delivery.tenantId) {
      // Only a forged or corrupted request names another tenant's subscription: nothing is sent,
      // and nothing is reported to the registry, which would act on that subscription.
      this.logger.warn(`delivery ${delivery.id} refused: its tenant ${delivery.tenantId} does not own subscription ${delivery.subscriptionId}`);
      return { status: 'failed', reason: 'refused: the subscription belongs to another tenant than the delivery request names', publish: false };
    }
    if (endpoint.status === 'deleted') return { status: 'cancelled', reason: 'subscription deleted', publish: true };
    if (!this.attemptable(delivery, endpoint)) return { status: 'failed', reason: `endpoint ${endpoint.status}`, publish: true };
    // Sealed with another key, or tampered with: no attempt could reach it, and waiting would not help.
    if (endpoint.callbackUrl === null) return { status: 'failed', reason: UNOPENABLE_URL, publish: true };
    return null;
  }

  /** Whether the endpoint takes this delivery: an active one takes events, one pending validation only its handshake. */
  private attemptable(delivery: ClaimedDelivery, endpoint: Endpoint): boolean {
    const handshake = delivery.trigger === VALIDATION_TRIGGER;
    return handshake ? endpoint.status === 'pending_validation' : endpoint.status === 'active';
  }
}

/** Resolves when `promise` settles or after `ms`, whichever comes first. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
