import { baseEnvShape, loadEnv, port } from '@tripline/config';
import { z } from 'zod';

export const IngestionEnv = z.object({
  ...baseEnvShape,
  PORT: port(3001),
  /** Most events one `POST /v1/events` may carry. */
  INGEST_MAX_BATCH: z.coerce.number().int().min(1).max(5000).default(500),
});
export type IngestionEnv = z.infer<typeof IngestionEnv>;
export const INGESTION_ENV = Symbol('INGESTION_ENV');

export const loadIngestionEnv = (env = process.env) => loadEnv('ingestion', IngestionEnv, env);
