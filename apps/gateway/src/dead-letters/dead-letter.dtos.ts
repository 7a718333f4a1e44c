import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const DeadLettersQuery = z.object({
  source: z.string().trim().min(1).max(300).optional().describe("The topic the dead message came from (its contract's name, e.g. tripline.ingest.v1, or the name on the broker)"),
  reason: z.string().trim().min(1).max(300).optional().describe('Part of the reason, in any case of letters'),
  tenantId: z.uuid().optional().describe('Only the dead letters whose message names this tenant'),
  limit: z.coerce.number().int().min(1).max(100).default(25).describe('Dead letters per page (1-100)'),
  cursor: z.string().max(2000).optional().describe('The nextCursor of the previous page'),
});
export class DeadLettersQueryDto extends createZodDto(DeadLettersQuery) {}

export const DeadLetterView = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid().nullable().describe('The tenant the dead message names (its tenantId), if it names one'),
    reason: z.string().describe('Why the consumer refused it'),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).describe('The failing fields, when it failed its contract'),
    source: z
      .object({
        topic: z.string().describe('As on the broker (namespace included)'),
        partition: z.number().int(),
        offset: z.string(),
        consumerGroup: z.string().describe('The consumer group that refused it'),
      })
      .describe('Where the dead message was'),
    key: z.string().nullable().describe('Its key, as text'),
    payload: z
      .object({
        base64: z.string().nullable().describe('The original bytes (null: the message had no value)'),
        text: z.string().nullable().describe('The same bytes as text, when they are valid UTF-8'),
        bytes: z.number().int().min(0).describe("The original value's size"),
        truncated: z.boolean().describe('Only the first 64 KiB were kept: it cannot be replayed'),
      })
      .describe("The dead message's value"),
    headers: z.array(z.object({ key: z.string(), value: z.string() })).describe('Its headers, as text: a replay sends them again'),
    failedAt: z.iso.datetime().describe('When it was dead-lettered'),
    receivedAt: z.iso.datetime().describe('When the gateway stored it'),
    replayedAt: z.iso.datetime().nullable().describe('When it was last replayed'),
    replayCount: z.number().int().min(0),
    replayable: z.boolean().describe('Whether a replay can republish it as it was (its bytes whole, a value, a topic of this deployment)'),
  })
  .describe('A message a consumer could not accept, kept for operators');
export type DeadLetterView = z.infer<typeof DeadLetterView>;

export const DeadLettersPage = z.object({ deadLetters: z.array(DeadLetterView).describe('Newest first'), nextCursor: z.string().nullable() });
export class DeadLettersPageDto extends createZodDto(DeadLettersPage) {}

export const ReplayDeadLetter = z
  .object({
    force: z
      .boolean()
      .default(false)
      .describe('Replay a dead letter that was replayed before: its consumer gets the message again (a second refresh request, a second subscribe)'),
  })
  .default({ force: false });
export class ReplayDeadLetterDto extends createZodDto(ReplayDeadLetter) {}

export const DeadLetterReplayed = z.object({
  id: z.uuid(),
  replayedAt: z.iso.datetime(),
  replayCount: z.number().int().min(1),
  republished: z
    .object({ topic: z.string(), partition: z.number().int(), offset: z.string(), key: z.string().nullable(), bytes: z.number().int().min(0) })
    .describe('Where the original message was put back'),
});
export class DeadLetterReplayedDto extends createZodDto(DeadLetterReplayed) {}
