import { baseEnvShape, cidrList, loadEnv, port, retentionDays, retentionJobShape, secretsKey } from '@tripline/config';
import { rateLimit, windowDuration } from '@tripline/service';
import { z } from 'zod';
import { serviceUrls } from './services/service-urls';
import { trustProxy } from './trust-proxy';

export const GatewayEnv = z.object({
  ...baseEnvShape,
  PORT: port(3000),
  /** Bearer token of the admin API (tenant creation). Long and random; never logged. */
  TRIPLINE_ADMIN_TOKEN: z.string({ error: 'is required' }).min(16, 'must be at least 16 characters'),
  /**
   * Where connectors reach the gateway (scheme, host, optional path): the host of the Power
   * Automate connector definition. In production, the public https URL. Unset, the connector and
   * each subscription's Location use DEFAULT_PUBLIC_URL (publicUrl()), and the console's set-up
   * page the address the console was opened at, a better guess than a loopback default.
   */
  TRIPLINE_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).optional(),
  /** Opens signing secrets to show them once (shared with the registry and the dispatcher). */
  TRIPLINE_SECRETS_KEY: secretsKey,
  /** CIDR ranges callback URLs may point at besides public addresses (checked at subscribe time too). */
  TRIPLINE_CALLBACK_ALLOWLIST: cidrList,
  /** How long a subscription call waits for the registry's answer before a 503. */
  REGISTRY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** How long a delivery log, resend or recover call waits for the dispatcher's answer before a 503. */
  DISPATCHER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /**
   * Requests one tenant may make to the API-key routes per GATEWAY_RATE_WINDOW, in this
   * instance; more get 429 with Retry-After. The default is Power Automate's connector limit
   * (100 calls per 60 s per connection).
   */
  GATEWAY_RATE_LIMIT: rateLimit(100),
  GATEWAY_RATE_WINDOW: windowDuration('60s'),
  /** Which proxies are believed about the client's address (X-Forwarded-For), as Express's `trust proxy`; off by default. */
  TRIPLINE_TRUST_PROXY: trustProxy,
  /** Wrong admin tokens one client address may send before it must wait (429, Retry-After). */
  ADMIN_AUTH_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  /** The first wait after ADMIN_AUTH_MAX_FAILURES wrong tokens; it doubles with each further one judged after a wait, up to 1 h. */
  ADMIN_AUTH_LOCKOUT: windowDuration('30s'),
  /**
   * Minutes without a request after which a console session ends. Its last request is written
   * down at most once a minute, so it may end up to a minute sooner.
   */
  CONSOLE_SESSION_IDLE_MINUTES: z.coerce
    .number({ error: 'must be a whole number of minutes' })
    .int('must be a whole number of minutes')
    .min(2, 'must be at least 2 minutes')
    .max(1440, 'must be at most 1440 minutes (a day)')
    .default(60),
  /** Hours after sign-in at which a console session ends, however busy. */
  CONSOLE_SESSION_MAX_HOURS: z.coerce
    .number({ error: 'must be a whole number of hours' })
    .int('must be a whole number of hours')
    .min(1, 'must be at least 1 hour')
    .max(720, 'must be at most 720 hours (30 days)')
    .default(12),
  /** Days the read model keeps a refresh or unification run after it completed (each tenant's latest of a kind always stays). */
  RETENTION_RUNS_DAYS: retentionDays(90),
  /** Where the other services answer /health/ready, for the operators' readiness page: `name=url,...`. */
  TRIPLINE_SERVICE_URLS: serviceUrls,
  ...retentionJobShape,
});
export type GatewayEnv = z.infer<typeof GatewayEnv>;
export const GATEWAY_ENV = Symbol('GATEWAY_ENV');

export const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:3000';

/** TRIPLINE_PUBLIC_URL, or its default when unset. */
export function publicUrl(env: Pick<GatewayEnv, 'TRIPLINE_PUBLIC_URL'>): string {
  return env.TRIPLINE_PUBLIC_URL ?? DEFAULT_PUBLIC_URL;
}

export const loadGatewayEnv = (env = process.env) => loadEnv('gateway', GatewayEnv, env);
