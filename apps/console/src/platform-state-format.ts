// How the Platform state page orders and labels what the API answers. Pure, with tests.

/** Refresh outcomes that need someone: the last refresh failed for good (retrying may still succeed). */
const FAILING = new Set(['failed', 'timed_out', 'skipped']);

export const isFailing = (status: string) => FAILING.has(status);

/** Failing data sources first, then retrying ones, then the rest, each group as the API listed it. */
export function failingFirst<T extends { lastStatus: string }>(dataSources: readonly T[]): T[] {
  const rank = (s: T) => (isFailing(s.lastStatus) ? 0 : s.lastStatus === 'retrying' ? 1 : 2);
  return [...dataSources].sort((a, b) => rank(a) - rank(b));
}

export type ThresholdTrigger = 'segment-threshold-crossed' | 'measure-threshold-crossed';

/** The parameter naming what a threshold trigger watches. */
const WATCHED: Record<ThresholdTrigger, string> = { 'segment-threshold-crossed': 'segmentId', 'measure-threshold-crossed': 'measureId' };

export interface Threshold {
  value: number;
  label: string;
}

/**
 * Each segment's (or measure's) thresholds, from the tenant's subscriptions to its threshold
 * trigger: one per distinct value (two flows watching one level draw one line), lowest first.
 * Deleted subscriptions fire nothing and are left out; a disabled one is labelled so.
 */
export function thresholdsByEntity(subscriptions: ReadonlyArray<Record<string, unknown>>, trigger: ThresholdTrigger): Map<string, Threshold[]> {
  const found = new Map<string, Map<number, string[]>>();
  for (const s of subscriptions) {
    const id = s[WATCHED[trigger]];
    if (s.trigger !== trigger || s.status === 'deleted' || typeof id !== 'string' || typeof s.threshold !== 'number') continue;
    const levels = found.get(id) ?? new Map<number, string[]>();
    levels.set(s.threshold, [...(levels.get(s.threshold) ?? []), String(s.status)]);
    found.set(id, levels);
  }
  const thresholds = new Map<string, Threshold[]>();
  for (const [id, levels] of found) {
    thresholds.set(
      id,
      [...levels.entries()]
        .sort(([a], [b]) => a - b)
        .map(([value, statuses]) => ({
          value,
          label: `threshold ${formatNumber(value)}${statuses.every((status) => status !== 'active') ? ` (${statuses[0].replace('_', ' ')})` : ''}`,
        })),
    );
  }
  return thresholds;
}

/** A value as people read it: grouped thousands, at most 2 decimals (1 234.5 as 1,234.5). */
export function formatNumber(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** The chart's accessible name: what it shows, in words, for a screen reader and for tests. */
export function chartTitle(name: string, values: ReadonlyArray<{ value: number }>, thresholds: readonly Threshold[]): string {
  const what =
    values.length === 0
      ? `${name}: no recent values recorded`
      : `${name}: ${values.length} recent ${values.length === 1 ? 'value' : 'values'}, from ${formatNumber(values[0].value)} to ${formatNumber(values[values.length - 1].value)}`;
  return thresholds.length === 0 ? what : `${what}; ${thresholds.map((t) => t.label).join(', ')}`;
}
