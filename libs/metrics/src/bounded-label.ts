/** The value a label takes when what came is not one of the known values. */
export const OTHER = 'other';

/**
 * A label value from a known set, or `other`: a label must never take unbounded values (each
 * value is a time series Prometheus keeps), and a value that comes from outside (a method, a
 * category reported by a library) is only trusted once it is one of ours.
 */
export function boundedLabel<V extends string>(value: string | null | undefined, allowed: readonly V[]): V | typeof OTHER {
  return value !== null && value !== undefined && (allowed as readonly string[]).includes(value) ? (value as V) : OTHER;
}
