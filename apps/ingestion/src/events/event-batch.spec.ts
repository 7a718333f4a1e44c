import { eventCount, parseEventBatch } from './event-batch';

const event = (overrides: Record<string, unknown> = {}) => ({
  id: 'evt-1',
  type: 'datasource.refresh.completed',
  occurredAt: '2026-11-26T10:00:00Z',
  data: {
    dataSourceId: 'ds-1',
    dataSourceName: 'CRM',
    runId: 'run-1',
    status: 'failed',
    startedAt: '2026-11-26T09:00:00Z',
    completedAt: '2026-11-26T10:00:00Z',
    error: { code: 'E1', message: 'boom' },
  },
  ...overrides,
});

describe('parseEventBatch', () => {
  it('accepts a single event and a batch', () => {
    expect(parseEventBatch(event(), 10)).toMatchObject({ ok: true, events: [{ id: 'evt-1' }] });
    const batch = parseEventBatch({ events: [event(), event({ id: 'evt-2' })] }, 10);
    expect(batch.ok && batch.events.map((e) => e.id)).toEqual(['evt-1', 'evt-2']);
  });

  it('names each bad field by its path in the body', () => {
    const bad = { ...event(), data: { ...event().data, status: 'exploded' } };
    const result = parseEventBatch({ events: [event(), bad, { id: 'x' }] }, 10);
    expect(result.ok).toBe(false);
    const paths = !result.ok ? result.issues.map((i) => i.path) : [];
    expect(paths).toContain('events[1].data.status');
    expect(paths).toContain('events[2].type');
  });

  it('names an unknown event type', () => {
    const result = parseEventBatch(event({ type: 'segment.exploded' }), 10);
    expect(!result.ok && result.issues[0]).toMatchObject({ path: 'type', message: expect.stringContaining('unknown event type') });
  });

  it('refuses empty and oversized batches and non-objects', () => {
    expect(parseEventBatch({ events: [] }, 10)).toMatchObject({ ok: false, issues: [{ path: 'events' }] });
    expect(parseEventBatch({ events: [event(), event()] }, 1)).toMatchObject({
      ok: false,
      issues: [{ message: 'at most 1 events per request, got 2' }],
    });
    expect(parseEventBatch([event()], 10)).toMatchObject({ ok: false, issues: [{ path: '(root)' }] });
  });

  it('counts the events a refused body held: its events array, or one', () => {
    expect(eventCount({ events: [1, 2, 3] })).toBe(3);
    expect(eventCount(event())).toBe(1);
    expect(eventCount({ events: [] })).toBe(1);
    expect(eventCount('junk')).toBe(1);
    expect(eventCount(null)).toBe(1);
  });
});
