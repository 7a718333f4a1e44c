import { z } from 'zod';

/**
 * What every contract field must satisfy so that whatever a contract accepts can be stored and
 * processed downstream: a value that passes validation at an edge and then fails in Postgres
 * (or at the broker) is retried, and an endless retry stalls everyone behind it. These are the
 * rules, in one place; every contract builds its fields from them.
 *
 * - Postgres `text` and `jsonb` cannot hold U+0000, so no string anywhere may contain it.
 * - Lone UTF-16 surrogates have no UTF-8 form: they would be stored as U+FFFD, so an id would
 *   silently become another id.
 * - Ids, names and URLs are single-line: control characters in them are never meant, and they
 *   end up in headers, logs and Power Automate's UI.
 * - Timestamps: Postgres takes UTC offsets up to ±15:59 and no year 0; JavaScript prints years
 *   past 9999 in a form that is no longer ISO 8601. So the instant stays within years 1-9999.
 * - Integers are safe integers (exact in a double and in a bigint column).
 */

/** C0 and C1 control characters, DEL included. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Control characters other than tab, line feed and carriage return. */
const CONTROL_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const wellFormed = (value: string) => value.isWellFormed();
const WELL_FORMED = 'must be well-formed Unicode (no lone surrogates)';

/** A single-line string: no control characters, no lone surrogates. */
export function singleLine<T extends z.ZodType<string>>(schema: T): T {
  return schema
    .refine((v) => !CONTROL.test(v), { message: 'must not contain control characters (e.g. NUL, line breaks)', abort: true })
    .refine(wellFormed, { message: WELL_FORMED, abort: true });
}

/** Free text (messages): line breaks and tabs are fine, NUL and other control characters are not. */
export function freeText(max: number) {
  return z
    .string()
    .max(max)
    .refine((v) => !CONTROL_EXCEPT_WHITESPACE.test(v), { message: 'must not contain NUL or control characters other than tab and line breaks', abort: true })
    .refine(wellFormed, { message: WELL_FORMED, abort: true });
}

/** Ids chosen by producers (event ids, entity ids, run ids): opaque, bounded, single-line strings. */
export const ExternalId = singleLine(z.string().trim().min(1).max(200));

/** Names shown to people (a data source's, a segment's, a tenant's). */
export const DisplayName = singleLine(z.string().trim().min(1).max(500));

/** Short machine-readable codes (an error code). */
export const Code = singleLine(z.string().min(1).max(200));

const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * Timestamps cross every boundary as ISO 8601 strings with an explicit offset; the offset at
 * most ±15:59 and the instant within years 1-9999 UTC, which is what Postgres and JavaScript
 * can both hold and print back.
 */
export const IsoDateTime = z.iso
  .datetime({ offset: true })
  .refine((v) => !/[+-](1[6-9]|2\d):?\d\d$/.test(v), { message: 'UTC offset must be within ±15:59', abort: true })
  .refine(
    (v) => {
      // The format check passed, so v starts with its four-digit year: an offset moves the
      // instant by less than a day, so only years 0000, 0001 and 9999 can fall outside the
      // range. Date.parse of every timestamp was a tenth of what the consumers' contract checks
      // cost per event (`npm run bench:profile`).
      const year = Number(v.slice(0, 4));
      if (year >= 2 && year <= 9998) return true;
      // Not a date at all is the format check's to report (once), not this one's.
      const at = Date.parse(v);
      return !Number.isFinite(at) || (at >= EARLIEST && at <= LATEST);
    },
    { message: 'must be between 0001-01-01 and 9999-12-31 (UTC)' },
  );

/** A non-negative count (members of a segment): a safe integer, stored as bigint. */
export const Count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Any finite number (a measure's value, a threshold): stored as double precision. */
export const FiniteNumber = z.number().refine(Number.isFinite, 'must be a finite number');
