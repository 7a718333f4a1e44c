import { baseEnvShape, loadEnv, port, retentionDays, retentionJobShape } from '@tripline/config';
import { z } from 'zod';

export const EvaluatorEnv = z.object({
  ...baseEnvShape,
  PORT: port(3003),
  /** Longest an events batch waits for subscription changes to be applied before it is retried. */
  SUBSCRIPTION_CATCH_UP_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /**
   * Most bytes of a full refresh's component list copied into each of its callbacks (the
   * totals are always there). Each delivery carries its own copy of the payload, so this bounds
   * what one event costs per subscription it fires.
   */
  DELIVERY_MAX_COMPONENTS_BYTES: z.coerce.number().int().min(1024).max(256 * 1024).default(32 * 1024),
  /**
   * Days an applied observation is kept for redelivery replay (each entity's latest is always
   * kept), and each event's evaluation (what "why did (not) my flow fire?" is answered from).
   * Longer than the events topic's retention (Kafka's default: 7 days), so any event that can
   * still be redelivered finds its observation and its first evaluation.
   */
  RETENTION_OBSERVATIONS_DAYS: retentionDays(14),
  ...retentionJobShape,
});
export type EvaluatorEnv = z.infer<typeof EvaluatorEnv>;
export const EVALUATOR_ENV = Symbol('EVALUATOR_ENV');

export const loadEvaluatorEnv = (env = process.env) => loadEnv('evaluator', EvaluatorEnv, env);
