import { IsoDateTime } from '@tripline/contracts';
import { edgeTimestamp } from '@tripline/testing';
import fc from 'fast-check';
import { utcMicros, utcTimestamp, utcTimestampOfMicros } from '@tripline/db';

const accepted = edgeTimestamp.filter((iso) => IsoDateTime.safeParse(iso).success);

describe('timestamps as Postgres stores them', () => {
  it('writes an instant whose local date is year 0000 in UTC, where it is year 1 (Postgres refuses year 0000)', () => {
    expect(utcTimestamp('0000-12-31T21:40:00.123-02:20')).toBe('0001-01-01T00:00:00.123000Z');
  });

  it('keeps the microseconds Postgres keeps and drops what lies past them', () => {
    expect(utcTimestamp('2026-11-26T10:00:00.123456789+01:00')).toBe('2026-11-26T09:00:00.123456Z');
    expect(utcMicros('1969-12-31T23:59:59.999999Z')).toBe(-1n);
    expect(utcTimestamp('1969-12-31T23:59:59.999999Z')).toBe('1969-12-31T23:59:59.999999Z');
  });

  it('writes every instant the contracts accept in UTC, from 0001 to 9999, at the same instant', () => {
    fc.assert(
      fc.property(accepted, (iso) => {
        const utc = utcTimestamp(iso);
        expect(utc).toMatch(/^(000[1-9]|00[1-9]\d|0[1-9]\d\d|[1-9]\d{3})-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
        expect(utcMicros(utc)).toBe(utcMicros(iso));
      }),
      { numRuns: 2_000 },
    );
  });

  it('orders instants as time does, whatever their offsets', () => {
    fc.assert(
      fc.property(accepted, accepted, (a, b) => {
        expect(utcMicros(a) < utcMicros(b)).toBe(utcTimestamp(a) < utcTimestamp(b));
      }),
      { numRuns: 2_000 },
    );
  });

  it('writes an instant counted in microseconds back as the same UTC timestamp, before 1970 too', () => {
    expect(utcTimestampOfMicros(-1n)).toBe('1969-12-31T23:59:59.999999Z');
    fc.assert(
      fc.property(accepted, (iso) => {
        expect(utcTimestampOfMicros(utcMicros(iso))).toBe(utcTimestamp(iso));
      }),
      { numRuns: 2_000 },
    );
  });

  it('passes an absent timestamp through as null', () => {
    expect(utcTimestamp(null)).toBeNull();
    expect(utcTimestamp(undefined)).toBeNull();
  });
});
