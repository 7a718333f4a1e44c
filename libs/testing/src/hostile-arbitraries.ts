import { Code, Count, DisplayName, ExternalId, FiniteNumber, freeText, IsoDateTime, type EventInput } from '@tripline/contracts';
import type { z } from 'zod';
import fc from 'fast-check';

/**
 * Generated input at every edge the contracts draw, and just past it: the strings, timestamps
 * and numbers a careless or hostile producer can send. Most values are valid, many are not; a
 * test judges each against the contract and expects the services to agree (202 and exactly the
 * right callbacks, or a 4xx), and nothing in between.
 */

/** Text at the edges: any Unicode, control characters, NUL, lone surrogates, blank, at and past the length limits. */
export const edgeText = (maxLength = 200): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('\u0000', '\u0001', '\n', '\t', '\u007f', '\u0085', '\ud800', '\udfff', 'a'), minLength: 1, maxLength: 8 }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'crm\u0000contacts',
        ' padded ',
        '   ',
        '',
        '\u202eevil',
        '\u200b',
        'é'.repeat(maxLength),
        '😀'.repeat(maxLength / 2),
        'a'.repeat(maxLength),
        'a'.repeat(maxLength + 1),
        "'; DROP TABLE subscriptions; --",
        '%00',
        '\\u0000',
        'null',
      ),
    },
  );

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** An instant written with a UTC offset, at any precision from seconds to nanoseconds. */
const writtenTimestamp = fc
  .record({
    at: fc.integer({ min: Date.parse('0001-01-01T00:00:00Z'), max: Date.parse('9999-12-31T23:59:59.999Z') }),
    offsetMinutes: fc.integer({ min: -(15 * 60 + 59), max: 15 * 60 + 59 }),
    fraction: fc.constantFrom('', '.5', '.123', '.123456', '.123456789'),
  })
  .map(({ at, offsetMinutes, fraction }) => {
    const local = new Date(at + offsetMinutes * 60_000);
    const year = local.getUTCFullYear();
    const date = `${year < 0 ? '-' : ''}${pad(year, 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
    const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${fraction}`;
    const offset = offsetMinutes === 0 ? 'Z' : `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
    return `${date}T${time}${offset}`;
  });

export const edgeTimestamp: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: writtenTimestamp },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00Z',
      '0001-01-01T00:00:00+00:01',
      '9999-12-31T23:59:59.999Z',
      '9999-12-31T23:59:59-00:01',
      '2026-11-26T10:00:00+15:59',
      '2026-11-26T10:00:00-16:00',
      '2026-11-26T10:00:00+23:59',
      '2024-02-29T12:00:00Z',
      '2026-02-29T12:00:00Z',
      '2026-11-26 10:00:00Z',
      '2026-11-26T10:00:00',
    ),
  },
);

/** Counts: safe integers, the int32 and int53 edges, and what lies just past them. */
export const edgeCount: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, -1, 1.5),
  fc.nat(),
  fc.maxSafeNat(),
);

/** Any double: signed zero, subnormals, the largest finite values, and infinities (JSON turns those into null). */
export const edgeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 53 + 2, Infinity),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

const refreshStatus = fc.constantFrom('succeeded', 'failed', 'retrying', 'timed_out', 'skipped');
const runStatus = fc.constantFrom('succeeded', 'partially_succeeded', 'failed', 'timed_out', 'cancelled');
const stepStatus = fc.constantFrom('succeeded', 'failed', 'timed_out', 'skipped');

/** Where each kind of field comes from: the raw edges, or only those edges a field's rule accepts. */
interface Fields {
  id: fc.Arbitrary<string>;
  name: fc.Arbitrary<string>;
  code: fc.Arbitrary<string>;
  message: fc.Arbitrary<string>;
  timestamp: fc.Arbitrary<string>;
  count: fc.Arbitrary<number>;
  number: fc.Arbitrary<number>;
}

const within = <T>(arbitrary: fc.Arbitrary<T>, schema: z.ZodType) => arbitrary.filter((v) => schema.safeParse(JSON.parse(JSON.stringify(v))).success);

const wild: Fields = {
  id: edgeText(),
  name: edgeText(500),
  code: edgeText(),
  message: fc.oneof(edgeText(4000), fc.constant('line one\nline two\ttabbed')),
  timestamp: edgeTimestamp,
  count: edgeCount,
  number: edgeNumber,
};
/** Every field at an edge its rule still accepts: the events the services must process whole. */
const tame: Fields = {
  id: within(wild.id, ExternalId),
  name: within(wild.name, DisplayName),
  code: within(wild.code, Code),
  message: within(wild.message, freeText(4000)),
  timestamp: within(wild.timestamp, IsoDateTime),
  count: within(wild.count, Count),
  number: within(wild.number, FiniteNumber),
};

function eventOf(f: Fields): fc.Arbitrary<EventInput> {
  return fc.oneof(
    fc.record({
      id: f.id,
      type: fc.constant('datasource.refresh.completed' as const),
      occurredAt: f.timestamp,
      data: fc.record(
        {
          dataSourceId: f.id,
          dataSourceName: f.name,
          runId: f.id,
          status: refreshStatus,
          startedAt: f.timestamp,
          completedAt: f.timestamp,
          error: fc.record({ code: f.code, message: f.message }),
        },
        { requiredKeys: ['dataSourceId', 'dataSourceName', 'runId', 'status', 'startedAt', 'completedAt'] },
      ),
    }),
    fc.record({
      id: f.id,
      type: fc.constant('segment.refreshed' as const),
      occurredAt: f.timestamp,
      data: fc.record({ segmentId: f.id, segmentName: f.name, memberCount: f.count }),
    }),
    fc.record({
      id: f.id,
      type: fc.constant('measure.refreshed' as const),
      occurredAt: f.timestamp,
      data: fc.record({ measureId: f.id, measureName: f.name, value: f.number }),
    }),
    fc.record({
      id: f.id,
      type: fc.constant('refresh.completed' as const),
      occurredAt: f.timestamp,
      data: fc.record({
        runId: f.id,
        scope: fc.constantFrom('full', 'partial'),
        trigger: fc.constantFrom('scheduled', 'manual'),
        status: runStatus,
        startedAt: f.timestamp,
        completedAt: f.timestamp,
        components: fc.array(fc.record({ kind: fc.constantFrom('dataSource', 'unification', 'segment', 'measure'), id: f.id, name: f.name, status: stepStatus }), {
          maxLength: 5,
        }),
      }),
    }),
    fc.record({
      id: f.id,
      type: fc.constant('unification.completed' as const),
      occurredAt: f.timestamp,
      data: fc.record({
        runId: f.id,
        status: runStatus,
        startedAt: f.timestamp,
        completedAt: f.timestamp,
        stages: fc.record({ map: fc.record({ status: stepStatus }), match: fc.record({ status: stepStatus }), merge: fc.record({ status: stepStatus }) }),
      }),
    }),
  ) as fc.Arbitrary<EventInput>;
}

/**
 * Events of every type with every field at an edge, `EventInput` shaped: half of them with each
 * field at an edge its rule accepts (so the whole event must be processed), half wild (so most
 * are refused, each for some field).
 */
export const edgeEvent: fc.Arbitrary<EventInput> = fc.oneof(eventOf(tame), eventOf(wild));
