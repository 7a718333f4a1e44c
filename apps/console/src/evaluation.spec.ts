import { firedSummary, observationSentence, reasonValues, type Verdict } from './evaluation';

const verdict = (fired: boolean): Verdict => ({
  subscriptionId: '6f1c0b1e-8a43-4b8e-9a51-3c2f3f0b9a10',
  trigger: 'segment-threshold-crossed',
  status: 'active',
  fired,
  deliveryId: null,
  reason: null,
});

describe("an event's evaluation, as the console shows it", () => {
  it('names the values of a threshold not crossed in the order a person reads them: previous, new, threshold', () => {
    const values = reasonValues({ code: 'below_threshold', message: 'The new value 40 is not above the threshold 50.', previous: 30, value: 40, threshold: 50 });
    expect(values.map((v) => [v.label, v.text])).toEqual([
      ['Previous value', '30'],
      ['New value', '40'],
      ['Threshold', '50'],
    ]);
  });

  it('shows times in one shape, a missing previous value as none, a list joined, and links the event a duplicate points to', () => {
    const values = reasonValues({
      code: 'duplicate_event',
      message: '…',
      previous: null,
      statuses: ['failed', 'timed_out'],
      firstEventId: 'evt-1',
      firstEvaluatedAt: '2026-11-26T10:00:00.000Z',
    });
    expect(values).toEqual([
      { key: 'statuses', label: 'Fires on', text: 'failed, timed_out' },
      { key: 'previous', label: 'Previous value', text: 'none' },
      { key: 'firstEventId', label: 'First reported by', text: 'evt-1', eventId: 'evt-1' },
      { key: 'firstEvaluatedAt', label: 'First evaluated at', text: expect.stringMatching(/^2026-11-26 \d\d:00:00$/) },
    ]);
  });

  it('still shows a value the API adds later, by its own name', () => {
    const reason = { code: 'parameter_mismatch', message: '…', parameter: 'segmentId', expected: 'a', actual: 'b', window: '5m' } as unknown as Parameters<typeof reasonValues>[0];
    expect(reasonValues(reason).map((v) => v.label)).toEqual(['Parameter', 'Subscribed to', 'The event is about', 'window']);
  });

  it('sums up what fired', () => {
    expect(firedSummary({ subscriptions: [], subscriptionsTruncated: false })).toBe('No subscription to this kind of event: nothing to fire.');
    expect(firedSummary({ subscriptions: [verdict(false), verdict(false)], subscriptionsTruncated: false })).toBe('Fired none of 2 subscriptions.');
    expect(firedSummary({ subscriptions: [verdict(true), verdict(false)], subscriptionsTruncated: true })).toBe('Fired 1 of 2+ subscriptions.');
  });

  it('says what an observation did', () => {
    const base = { previous: 30, previousAt: null, value: 40, stale: false, duplicate: false };
    expect(observationSentence({ ...base, outcome: 'applied' })).toBe('Applied: it went from 30 to 40.');
    expect(observationSentence({ ...base, outcome: 'first', previous: null })).toMatch(/baseline/);
    expect(observationSentence({ ...base, outcome: 'stale', stale: true })).toMatch(/^Older than the last value applied \(30\)/);
  });
});
