import { z } from 'zod';
import { retentionDays } from './retention';

/** Thrown at boot when the environment is wrong; the message lists every bad variable. */
export class InvalidEnvironmentError extends Error {
  constructor(service: string, problems: string[]) {
    super(`${service}: invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

/**
 * Parses the environment once into a typed, frozen object. Every service calls this before
 * anything connects, so a typo fails fast with a message instead of a half-started service.
 */
export function loadEnv<S extends z.ZodObject>(
  service: string,
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<z.infer<S>> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new InvalidEnvironmentError(
      service,
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`),
    );
  }
  return Object.freeze(parsed.data);
}

/** Comma-separated list, trimmed, empty entries dropped. */
export const commaList = z
  .string()
  .transform((value) => value.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string()).min(1, 'must name at least one host:port'));

export const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/tripline';
export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';

/** Variables every service reads: where Kafka and Postgres are, how to log. */
export const baseEnvShape = {
  KAFKA_BROKERS: commaList.default([DEFAULT_KAFKA_BROKERS]),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .default(DEFAULT_DATABASE_URL),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  LOG_FORMAT: z.enum(['json', 'text']).default('json'),
  /**
   * Prefixed to every topic and consumer group name, so several environments (or test runs) can
   * share one Kafka cluster without seeing each other's messages.
   */
  KAFKA_TOPIC_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'may contain only letters, digits, ".", "_" and "-"')
    .default(''),
  /** Partitions of the topics a service creates when they do not exist yet. */
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  /**
   * The dead-letters topic's `retention.ms`, in days: set when a service creates the topic, and
   * updated at boot when it differs (every service creates topics, so every service reads it).
   */
  RETENTION_DEAD_LETTERS_DAYS: retentionDays(14),
};

/** TRIPLINE_SECRETS_KEY: 32 random bytes, base64 (`openssl rand -base64 32`). */
export const secretsKey = z
  .string({ error: 'is required (32 random bytes, base64: openssl rand -base64 32)' })
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)');

/** TRIPLINE_CALLBACK_ALLOWLIST: CIDR ranges callbacks may reach besides public addresses. */
export const cidrList = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .refine((list) => list.every((c) => /^[0-9a-fA-F:.]+\/\d{1,3}$/.test(c)), 'must be comma-separated CIDR ranges, e.g. 127.0.0.0/8,::1/128');
