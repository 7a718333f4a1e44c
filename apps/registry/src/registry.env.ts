import { baseEnvShape, loadEnv, port, secretsKey } from '@tripline/config';
import { z } from 'zod';

export const RegistryEnv = z.object({
  ...baseEnvShape,
  PORT: port(3002),
  /** Seals subscriptions' signing secrets and callback URLs (shared with the gateway and the dispatcher). */
  TRIPLINE_SECRETS_KEY: secretsKey,
  /** How long a rotated-out signing secret still signs, next to the new one. */
  TRIPLINE_SECRET_ROTATION_OVERLAP_S: z.coerce.number().int().min(0).max(30 * 86_400).default(86_400),
  /**
   * The most subscriptions (not deleted) one tenant may have: each is matched against every
   * event of its trigger and kept by three services, so one tenant cannot grow them without end.
   */
  REGISTRY_MAX_SUBSCRIPTIONS_PER_TENANT: z.coerce.number().int().min(1).max(10_000_000).default(1000),
});
export type RegistryEnv = z.infer<typeof RegistryEnv>;
export const REGISTRY_ENV = Symbol('REGISTRY_ENV');

export const loadRegistryEnv = (env = process.env) => loadEnv('registry', RegistryEnv, env);
