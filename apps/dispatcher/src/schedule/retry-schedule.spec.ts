import { parseDuration, parseRetryAfter, RetrySchedule } from './retry-schedule';

describe('RetrySchedule', () => {
  it('defaults to Svix\'s schedule: 8 attempts over about a day and a half', () => {
    const schedule = RetrySchedule.parse(RetrySchedule.DEFAULT, 0);
    expect(schedule.attempts).toBe(8);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((n) => schedule.nextDelay(n))).toEqual([
      0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
    expect(schedule.nextDelay(8)).toBeNull();
  });

  it('spreads each wait by the jitter, both ways', () => {
    const low = new RetrySchedule([0, 10_000], 0.2, 3_600_000, () => 0);
    const high = new RetrySchedule([0, 10_000], 0.2, 3_600_000, () => 0.999999);
    expect(low.nextDelay(1)).toBe(8_000);
    expect(high.nextDelay(1)).toBe(12_000);
  });

  it('honours Retry-After within bounds, and never past the last attempt', () => {
    const schedule = new RetrySchedule([0, 5_000, 60_000], 0, 120_000);
    expect(schedule.nextDelay(1, 30_000)).toBe(30_000);
    expect(schedule.nextDelay(1, 86_400_000)).toBe(120_000);
    expect(schedule.nextDelay(3, 1_000)).toBeNull();
  });

  it('parses durations and refuses nonsense', () => {
    expect(['0', '250ms', '5s', '5m', '2h', '1d', '1.5s'].map(parseDuration)).toEqual([0, 250, 5_000, 300_000, 7_200_000, 86_400_000, 1_500]);
    expect(() => parseDuration('soon')).toThrow('"soon" is not a duration');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-26T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('whenever', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
