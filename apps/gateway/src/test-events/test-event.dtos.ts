import { EntityKind, EVENT_TYPES, ExternalId, FiniteNumber, RefreshStatus, RunStatus } from '@tripline/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** The statuses each event type reports; segments and measures report a value instead. */
export const STATUSES_OF = {
  'datasource.refresh.completed': RefreshStatus.options,
  'refresh.completed': RunStatus.options,
  'unification.completed': RunStatus.options,
  'segment.refreshed': [],
  'measure.refreshed': [],
} as const satisfies Record<(typeof EVENT_TYPES)[number], readonly string[]>;

const WITH_VALUE = new Set<string>(['segment.refreshed', 'measure.refreshed']);

export const TestEventRequest = z
  .object({
    type: z.enum(EVENT_TYPES).describe('The event type to send a sample of'),
    entityId: ExternalId.optional().describe(
      'What the event is about: the data source, segment or measure id (default test-data-source, test-segment, test-measure), or the run id (default a fresh test-run-… id)',
    ),
    value: FiniteNumber.optional().describe('segment.refreshed: the member count (an integer, at least 0; default 100); measure.refreshed: the value (default 1). No other type has one'),
    status: z
      .enum([...new Set([...RefreshStatus.options, ...RunStatus.options])] as [string, ...string[]])
      .optional()
      .describe(
        "How the refresh or run ended: datasource.refresh.completed one of RefreshStatus (default failed); refresh.completed and unification.completed one of RunStatus (default succeeded). Segments and measures have none",
      ),
  })
  .strict()
  .superRefine((request, ctx) => {
    if (request.value !== undefined && !WITH_VALUE.has(request.type)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${request.type} has no value: only segment.refreshed and measure.refreshed do` });
    }
    if (request.type === 'segment.refreshed' && request.value !== undefined && !(Number.isSafeInteger(request.value) && request.value >= 0)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: "a segment's member count is an integer, at least 0" });
    }
    // Runs only on a body whose fields each parsed, but a refinement must not trust that.
    const statuses: readonly string[] = STATUSES_OF[request.type] ?? [];
    if (request.status !== undefined && !statuses.includes(request.status)) {
      ctx.addIssue({
        code: 'custom',
        path: ['status'],
        message: statuses.length === 0 ? `${request.type} has no status: it reports a value` : `${request.type} ends in one of: ${statuses.join(', ')}`,
      });
    }
  });
export type TestEventRequest = z.infer<typeof TestEventRequest>;
export class TestEventRequestDto extends createZodDto(TestEventRequest) {}

export const TestEventSent = z.object({
  eventId: z.string().describe("The sample's id (test-…): GET /v1/events/{eventId}/evaluation answers once the evaluator has judged it"),
  type: z.enum(EVENT_TYPES),
  entity: z.object({ kind: EntityKind, id: z.string() }).describe('What the event is about, as GET /v1/events?entityId= finds it'),
  occurredAt: z.string().describe('When the sample says it happened: when it was made'),
});
export type TestEventSent = z.infer<typeof TestEventSent>;
export class TestEventSentDto extends createZodDto(TestEventSent) {}
