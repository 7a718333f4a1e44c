import { callbackHost, formatBytes, formatDuration, formatTime, instantFromLocalInput, localInputHoursBefore, localInputOf, subscriptionParameters } from './format';

describe('what the console shows of the API', () => {
  it('shows only the host of a callback URL: never its path, query or signature', () => {
    expect(callbackHost('https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=REDACTED&sig=REDACTED')).toBe(
      'prod-12.westeurope.logic.azure.com',
    );
    expect(callbackHost('http://127.0.0.1:4000/flows/teams-alert')).toBe('127.0.0.1:4000');
    expect(callbackHost('https://REDACTED:REDACTED@hooks.example.com/x')).toBe('hooks.example.com');
    expect(callbackHost('not a url')).toBe('unknown host');
  });

  it("lists a subscription's trigger parameters, not its own fields", () => {
    const subscription = {
      id: 'a1',
      trigger: 'segment-threshold-crossed',
      callbackUrl: 'https://x.example/',
      status: 'active',
      disabledReason: null,
      createdAt: '2026-11-26T10:00:00Z',
      updatedAt: '2026-11-26T10:00:00Z',
      segmentId: 'vip',
      threshold: 1000,
      includeManual: false,
      dataSourceId: null,
    };
    expect(subscriptionParameters(subscription)).toEqual([
      ['segmentId', 'vip'],
      ['threshold', '1000'],
      ['includeManual', 'false'],
    ]);
  });

  it('writes times and durations in one unambiguous shape', () => {
    const at = new Date(2026, 10, 26, 9, 5, 7);
    expect(formatTime(at.toISOString())).toBe('2026-11-26 09:05:07');
    expect(formatTime(null)).toBe('—');
    expect(formatTime('yesterday')).toBe('yesterday');
    expect(formatDuration(87)).toBe('87 ms');
    expect(formatDuration(1234)).toBe('1.23 s');
    expect(formatDuration(15_000)).toBe('15.0 s');
  });

  it('turns a datetime-local value into the instant the API takes, and back', () => {
    const now = new Date(2026, 10, 26, 12, 30);
    const value = localInputHoursBefore(2, now);
    expect(value).toBe('2026-11-26T10:30');
    expect(instantFromLocalInput(value)).toBe(new Date(2026, 10, 26, 10, 30).toISOString());
    expect(instantFromLocalInput('')).toBeNull();
    expect(instantFromLocalInput('soon')).toBeNull();
    expect(localInputOf(instantFromLocalInput(value)!)).toBe(value);
    expect(localInputOf(undefined)).toBe('');
    expect(localInputOf('soon')).toBe('');
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [1023, '1023 bytes'],
    [1536, '1.5 KiB'],
    [65536, '64 KiB'],
    [3 * 1024 * 1024, '3.0 MiB'],
  ])('%d is %s', (bytes, shown) => {
    expect(formatBytes(bytes)).toBe(shown);
  });
});
