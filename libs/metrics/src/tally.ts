import type { Counter } from 'prom-client';

/**
 * Counts a batch in one increment per distinct label set, not one per item: a fetch of a
 * thousand events of two types is two increments.
 */
export function tally<L extends string, T>(counter: Counter<L>, items: Iterable<T>, labelsOf: (item: T) => Record<L, string>): void {
  const counts = new Map<string, { labels: Record<L, string>; count: number }>();
  for (const item of items) {
    const labels = labelsOf(item);
    const key = JSON.stringify(labels);
    const entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, { labels, count: 1 });
  }
  for (const { labels, count } of counts.values()) counter.inc(labels as Partial<Record<L, string | number>>, count);
}
