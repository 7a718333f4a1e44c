import { baseEnvShape, loadEnv, port } from '@tripline/config';
import { rateLimit, windowDuration } from '@tripline/http';
import { z } from 'zod';

export const IngestionEnv = z.object({
  ...baseEnvShape,
  PORT: port(3001),
  /** Most events one `POST /v1/events` may carry. */
  INGEST_MAX_BATCH: z.coerce.number().int().min(1).max(5000).default(500),
  /**
   * `POST /v1/events` requests one tenant may make per INGEST_RATE_WINDOW, in this instance;
   * more get 429 with Retry-After. A request may be a batch of INGEST_MAX_BATCH events, so the
   * default (600 a minute) lets a producer send up to 5,000 events a second.
   */
  INGEST_RATE_LIMIT: rateLimit(600),
  INGEST_RATE_WINDOW: windowDuration('60s'),
});
export type IngestionEnv = z.infer<typeof IngestionEnv>;
export const INGESTION_ENV = Symbol('INGESTION_ENV');

export const loadIngestionEnv = (env = process.env) => loadEnv('ingestion', IngestionEnv, env);
