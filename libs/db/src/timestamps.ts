/**
 * Timestamps as Postgres stores them. The contracts accept any ISO 8601 instant between
 * 0001-01-01 and 9999-12-31 UTC, written with any offset up to ±15:59; Postgres reads the local
 * date written in the string, and refuses a year 0000 even where the instant is in year 1 UTC
 * ("0000-12-31T22:00:00-02:30" is 0001-01-01T00:30Z). So what goes to Postgres is the instant
 * in UTC, to the microsecond Postgres keeps; the producer's own text stays in the payloads.
 */

/** The microseconds past the millisecond, as three digits: a JS Date keeps milliseconds only (and drops what lies past them, as this drops what lies past the microsecond). */
function subMillis(iso: string): string {
  return (/T[^.]*\.(\d+)/.exec(iso)?.[1] ?? '').slice(3, 6).padEnd(3, '0');
}

/** Microseconds since the epoch. */
export function utcMicros(iso: string): bigint {
  return BigInt(Date.parse(iso)) * 1000n + BigInt(subMillis(iso));
}

/** The same instant written in UTC with microseconds, which Postgres accepts for every instant the contracts do. */
export function utcTimestamp(iso: string): string;
export function utcTimestamp(iso: string | null | undefined): string | null;
export function utcTimestamp(iso: string | null | undefined): string | null {
  if (iso == null) return null;
  return `${new Date(Date.parse(iso)).toISOString().slice(0, -1)}${subMillis(iso)}Z`;
}

/** An instant given in microseconds since the epoch (as `utcMicros` gives it), written in UTC with microseconds. */
export function utcTimestampOfMicros(micros: bigint): string {
  // Floored, not truncated: an instant before 1970 has a negative count.
  let millis = micros / 1000n;
  let rest = micros % 1000n;
  if (rest < 0n) {
    rest += 1000n;
    millis -= 1n;
  }
  return `${new Date(Number(millis)).toISOString().slice(0, -1)}${rest.toString().padStart(3, '0')}Z`;
}
