import { baseEnvShape, cidrList, loadEnv, port, retentionDays, retentionJobShape, secretsKey } from '@tripline/config';
import { z } from 'zod';
import { parseDuration, RetrySchedule } from './schedule/retry-schedule';

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      try {
        return parseDuration(v);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    });

export const DispatcherEnv = z.object({
  ...baseEnvShape,
  PORT: port(3004),
  /** Opens the signing secrets (shared with the registry and the gateway). */
  TRIPLINE_SECRETS_KEY: secretsKey,
  /** CIDR ranges callbacks may reach besides public addresses (e.g. 127.0.0.0/8 for local runs). */
  TRIPLINE_CALLBACK_ALLOWLIST: cidrList,
  /** Waits before each attempt; its length is the number of attempts. */
  DISPATCH_RETRY_SCHEDULE: z
    .string()
    .default(RetrySchedule.DEFAULT)
    .refine((v) => {
      try {
        return RetrySchedule.parse(v).attempts > 0;
      } catch {
        return false;
      }
    }, 'must be comma-separated durations, e.g. 0,5s,5m,30m,2h'),
  /** ± this fraction of each scheduled wait, at random. */
  DISPATCH_RETRY_JITTER: z.coerce.number().min(0).max(1).default(0.2),
  /** The longest wait an endpoint's Retry-After can ask for. */
  DISPATCH_RETRY_AFTER_MAX: duration('1h'),
  /** Longest one attempt may take, connect to last byte (and up to 25 ms more: attempts starting together share one deadline, AttemptDeadlines). */
  DISPATCH_TIMEOUT: duration('15s'),
  /** Callbacks in flight at once, in this instance. */
  DISPATCH_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(200),
  /**
   * Callbacks in flight at once for one tenant, in this instance (default: a quarter of
   * DISPATCH_CONCURRENCY): one tenant's hanging endpoints cannot take every slot.
   */
  DISPATCH_TENANT_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).optional(),
  /** Callbacks in flight at once to one endpoint: a slow endpoint cannot take every slot. */
  DISPATCH_ENDPOINT_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(10),
  /** Most callbacks per second to one endpoint. */
  DISPATCH_ENDPOINT_RATE: z.coerce.number().min(0.1).max(100_000).default(50),
  /** An endpoint failing, without one success, for this long is disabled with the reason. */
  DISPATCH_DISABLE_AFTER: duration('5d'),
  /**
   * A new delivery's first attempt starts before the delivery is recorded; one answered within
   * this long is recorded once, with its outcome, and one still in flight then is recorded
   * pending. Its request's offset is committed only once either is durable, so the longer this
   * is, the longer a fetch of the deliveries topic can wait on slow endpoints. 0: every delivery
   * is recorded before its first attempt.
   */
  DISPATCH_RECORD_AFTER: duration('200ms').refine((ms) => ms <= 10_000, 'must be at most 10s'),
  /** How often the scheduler looks for due retries when nothing wakes it. */
  DISPATCH_POLL_INTERVAL: duration('250ms'),
  /** Days a delivered delivery (and its attempts) is kept after it was delivered. */
  RETENTION_DELIVERED_DAYS: retentionDays(7),
  /** Days a failed, gone or cancelled delivery (and its attempts) is kept after it became final. */
  RETENTION_FAILED_DAYS: retentionDays(30),
  ...retentionJobShape,
});
export type DispatcherEnv = z.infer<typeof DispatcherEnv>;
export const DISPATCHER_ENV = Symbol('DISPATCHER_ENV');

/** The per-tenant cap on callbacks in flight: as configured, else a quarter of all slots. */
export function tenantConcurrency(env: Pick<DispatcherEnv, 'DISPATCH_CONCURRENCY' | 'DISPATCH_TENANT_CONCURRENCY'>): number {
  return env.DISPATCH_TENANT_CONCURRENCY ?? Math.max(1, Math.floor(env.DISPATCH_CONCURRENCY / 4));
}

export const loadDispatcherEnv = (env = process.env) => loadEnv('dispatcher', DispatcherEnv, env);
