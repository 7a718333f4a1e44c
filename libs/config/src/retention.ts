import { z } from 'zod';

/**
 * A retention window in whole days (RETENTION_*_DAYS), 1 to 3650. A typo fails the boot naming
 * the variable (loadEnv), never a job that silently deletes too much or nothing.
 */
export const retentionDays = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a whole number of days' })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1 day')
    .max(3650, 'must be at most 3650 days')
    .default(fallback);

/**
 * How a service's retention job runs (each service with tables that grow runs one): every
 * RETENTION_INTERVAL_MS, deleting at most RETENTION_BATCH_SIZE rows per statement (deliveries:
 * each with its attempts), resting between statements RETENTION_BATCH_PAUSE_MS and at least
 * three times as long as the statement took, so it never holds locks, CPU or I/O for long.
 */
export const retentionJobShape = {
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(1_000, 'must be at least 1000 ms').max(86_400_000, 'must be at most a day').default(600_000),
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000, 'must be at most 100000 rows').default(1_000),
  RETENTION_BATCH_PAUSE_MS: z.coerce.number().int().min(0).max(60_000).default(100),
};

export const DAY_MS = 86_400_000;
