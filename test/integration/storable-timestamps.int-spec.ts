import { IsoDateTime } from '@tripline/contracts';
import { edgeTimestamp, query } from '@tripline/testing';
import fc from 'fast-check';
import { utcMicros, utcTimestamp } from '@tripline/db';

/** Every timestamp an event may carry must be storable: Postgres takes each, at the instant it names. */
describe('timestamps in the real Postgres', () => {
  it('stores every instant the contracts accept, to the microsecond', async () => {
    const accepted = edgeTimestamp.filter((iso) => IsoDateTime.safeParse(iso).success);
    await fc.assert(
      fc.asyncProperty(fc.array(accepted, { minLength: 1, maxLength: 200 }), async (batch) => {
        const rows = await query<{ micros: string }>(
          'SELECT (extract(epoch FROM t) * 1000000)::bigint::text AS micros FROM unnest($1::timestamptz[]) WITH ORDINALITY AS u(t, n) ORDER BY n',
          [batch.map((iso) => utcTimestamp(iso))],
        );
        expect(rows.map((r) => BigInt(r.micros))).toEqual(batch.map(utcMicros));
      }),
      { numRuns: 50 },
    );
  });
});
