import { describeIssues, EventInput, type FieldIssue } from '@tripline/contracts';

/** `single`: the body was one event, not `{"events": [...]}`. */
export type ParsedBatch = { ok: true; events: EventInput[]; single: boolean } | { ok: false; issues: FieldIssue[] };

/**
 * A body is one event, or `{"events": [...]}`. All or nothing: one bad event rejects the
 * request, naming each bad field by its path (`events[3].data.status`), so a producer can fix
 * and resend the batch without working out which half went through.
 */
export function parseEventBatch(body: unknown, maxBatch: number): ParsedBatch {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, issues: [{ path: '(root)', message: 'expected an event object or {"events": [...]}' }] };
  }
  if (!('events' in body)) return parseEach([body], (i) => (i === 0 ? '' : `[${i}]`), true);

  const list = (body as { events: unknown }).events;
  if (!Array.isArray(list) || list.length === 0) {
    return { ok: false, issues: [{ path: 'events', message: 'expected a non-empty array of events' }] };
  }
  if (list.length > maxBatch) {
    return { ok: false, issues: [{ path: 'events', message: `at most ${maxBatch} events per request, got ${list.length}` }] };
  }
  return parseEach(list, (i) => `events[${i}]`, false);
}

function parseEach(items: unknown[], pathOf: (index: number) => string, single: boolean): ParsedBatch {
  const events: EventInput[] = [];
  const issues: FieldIssue[] = [];
  items.forEach((item, index) => {
    const parsed = EventInput.safeParse(item);
    if (parsed.success) events.push(parsed.data);
    else issues.push(...describeIssues(parsed.error, pathOf(index)));
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, events, single };
}

/**
 * How many events a request body holds, for counting those refused with it: the length of its
 * `events` array, or 1 (one event, or a body too malformed to tell).
 */
export function eventCount(body: unknown): number {
  const list = typeof body === 'object' && body !== null ? (body as { events?: unknown }).events : undefined;
  return Array.isArray(list) && list.length > 0 ? list.length : 1;
}
