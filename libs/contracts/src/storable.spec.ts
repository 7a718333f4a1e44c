import fc from 'fast-check';
import { Count, DisplayName, ExternalId, freeText, IsoDateTime } from './storable';

describe('storable field rules', () => {
  it('refuse NUL and control characters in ids and names, naming the rule', () => {
    for (const schema of [ExternalId, DisplayName]) {
      const result = schema.safeParse('crm\u0000contacts');
      expect(result.success).toBe(false);
      expect(result.error?.issues[0].message).toMatch(/control characters/);
      expect(schema.safeParse('line\nbreak').success).toBe(false);
      expect(schema.safeParse('crm-contacts ü 日本 😀').success).toBe(true);
    }
  });

  it('refuse lone surrogates, which have no UTF-8 form', () => {
    expect(ExternalId.safeParse('a\ud800b').error?.issues[0].message).toMatch(/well-formed Unicode/);
  });

  it('let free text keep line breaks and tabs, but not NUL', () => {
    expect(freeText(100).safeParse('line one\n\tline two\r\n').success).toBe(true);
    expect(freeText(100).safeParse('bad\u0000byte').success).toBe(false);
  });

  it('take timestamps only within the offsets and years Postgres and JavaScript both hold', () => {
    expect(IsoDateTime.safeParse('2026-11-26T10:00:00+15:59').success).toBe(true);
    expect(IsoDateTime.safeParse('2026-11-26T10:00:00-16:00').error?.issues[0].message).toMatch(/offset/);
    expect(IsoDateTime.safeParse('0000-06-01T00:00:00Z').error?.issues[0].message).toMatch(/between 0001-01-01 and 9999-12-31/);
    expect(IsoDateTime.safeParse('0001-01-01T00:30:00+01:00').success).toBe(false);
    expect(IsoDateTime.safeParse('9999-12-31T23:59:59-01:00').success).toBe(false);
    expect(IsoDateTime.safeParse('9999-12-31T23:59:59Z').success).toBe(true);
    expect(IsoDateTime.safeParse('yesterday').error?.issues).toHaveLength(1);
  });

  it('take a generated timestamp exactly when its instant is within years 1-9999 UTC, at any year and offset', () => {
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    const anyDate = fc
      .record({ year: fc.integer({ min: 0, max: 9999 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }) })
      .map(({ year, month, day }) => `${pad(year, 4)}-${pad(month)}-${pad(day)}`);
    // The days an offset can move across the range's ends.
    const edgeDate = fc.constantFrom('0000-12-31', '0001-01-01', '0001-01-02', '0002-01-01', '9998-12-31', '9999-12-30', '9999-12-31');
    const timestamp = fc
      .record({
        date: fc.oneof(anyDate, edgeDate),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        offsetMinutes: fc.integer({ min: -(15 * 60 + 59), max: 15 * 60 + 59 }),
      })
      .map(({ date, hour, minute, offsetMinutes }) => {
        const sign = offsetMinutes < 0 ? '-' : '+';
        const offset = Math.abs(offsetMinutes);
        return `${date}T${pad(hour)}:${pad(minute)}:00${sign}${pad(Math.floor(offset / 60))}:${pad(offset % 60)}`;
      });
    fc.assert(
      fc.property(timestamp, (v) => {
        const at = Date.parse(v);
        expect(IsoDateTime.safeParse(v).success).toBe(at >= Date.parse('0001-01-01T00:00:00Z') && at <= Date.parse('9999-12-31T23:59:59.999Z'));
      }),
      { numRuns: 2_000 },
    );
  });

  it('take counts up to the largest safe integer', () => {
    expect(Count.safeParse(2 ** 31).success).toBe(true);
    expect(Count.safeParse(Number.MAX_SAFE_INTEGER + 1).success).toBe(false);
  });
});
