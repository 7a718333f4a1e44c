import { z } from 'zod';
import { IsoDateTime } from './common';

/** A message a consumer could not accept, kept with the reason so nothing is silently lost. */
export const DeadLetter = z.object({
  reason: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })),
  source: z.object({
    topic: z.string(),
    partition: z.number().int(),
    offset: z.string(),
    consumerGroup: z.string(),
  }),
  key: z.string().nullable(),
  /** The original bytes as UTF-8 text, exactly as received. */
  payload: z.string().nullable(),
  failedAt: IsoDateTime,
});
export type DeadLetter = z.infer<typeof DeadLetter>;
