import { Inject, Injectable, Optional } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';

/** The clock lockouts run on; a test passes its own. */
export const ADMIN_LOCKOUT_CLOCK = Symbol('ADMIN_LOCKOUT_CLOCK');
export interface LockoutClock {
  now(): number;
}

interface Failures {
  count: number;
  lockedUntil: number;
}

/**
 * Slows down guessing of the admin token, per client address: the first `maxFailures` wrong
 * tokens are answered 401; from then on the address must wait, `firstLockoutMs` at first and
 * twice as long with each further wrong token sent after a wait ended (up to MAX_LOCKOUT_MS).
 * One sent while it waits is not counted: whoever shares the address (everyone behind a proxy
 * not trusted by TRIPLINE_TRUST_PROXY) cannot stretch the operator's wait by sending more.
 * Another address is not affected, so the operator elsewhere keeps working. An address's
 * failures are forgotten FORGET_AFTER_MS after its last wait ended, or at its next right token.
 * Bounded: at most MAX_ADDRESSES are remembered (the least recent go first), in this instance.
 */
@Injectable()
export class AdminLockout {
  static readonly MAX_LOCKOUT_MS = 3_600_000;
  static readonly FORGET_AFTER_MS = 15 * 60_000;
  static readonly MAX_ADDRESSES = 10_000;

  private readonly maxFailures: number;
  private readonly firstLockoutMs: number;
  private readonly clock: LockoutClock;
  private readonly failures: LRUCache<string, Failures>;

  constructor(@Inject(GATEWAY_ENV) env: Pick<GatewayEnv, 'ADMIN_AUTH_MAX_FAILURES' | 'ADMIN_AUTH_LOCKOUT'>, @Optional() @Inject(ADMIN_LOCKOUT_CLOCK) clock?: LockoutClock) {
    this.maxFailures = env.ADMIN_AUTH_MAX_FAILURES;
    this.firstLockoutMs = env.ADMIN_AUTH_LOCKOUT;
    this.clock = clock ?? performance;
    this.failures = new LRUCache({ max: AdminLockout.MAX_ADDRESSES, ttl: AdminLockout.FORGET_AFTER_MS, ttlResolution: 0, perf: this.clock });
  }

  /** How long this address must still wait before its token is judged; 0: not at all. */
  waitFor(address: string): number {
    const entry = this.failures.get(address);
    return entry ? Math.max(0, entry.lockedUntil - this.clock.now()) : 0;
  }

  /**
   * Counts a wrong token; returns how long the address must now wait (0 while it has failures
   * to spare). One sent while the address waits is not counted: the wait stays as it was.
   */
  failed(address: string): number {
    const waiting = this.waitFor(address);
    if (waiting > 0) return waiting;
    const count = (this.failures.get(address)?.count ?? 0) + 1;
    const lockoutMs = count < this.maxFailures ? 0 : Math.min(this.firstLockoutMs * 2 ** (count - this.maxFailures), AdminLockout.MAX_LOCKOUT_MS);
    this.failures.set(address, { count, lockedUntil: this.clock.now() + lockoutMs }, { ttl: lockoutMs + AdminLockout.FORGET_AFTER_MS });
    return lockoutMs;
  }

  succeeded(address: string): void {
    this.failures.delete(address);
  }
}
