import { baseEnvShape, loadEnv, port } from '@tripline/config';
import { rateLimit, windowDuration } from '@tripline/service';
import { z } from 'zod';

export const IngestionEnv = z.object({
  ...baseEnvShape,
  PORT: port(3001),
  /** Most events one `POST /v1/events` may carry. */
  INGEST_MAX_BATCH: z.coerce.number().int().min(1).max(5000).default(500),
  /**
   * Largest event, in bytes as published (JSON, with its tenant and time of receipt). Kafka's
   * default limit on one message is 1 MB, and every hop after ingestion copies parts of an event:
   * an event past this is refused with a 413 (or dead-lettered from the ingest topic), never
   * accepted and then stuck.
   */
  INGEST_MAX_EVENT_BYTES: z.coerce.number().int().min(1024).max(900 * 1024).default(256 * 1024),
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
