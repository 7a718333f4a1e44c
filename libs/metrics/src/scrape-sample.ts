/**
 * One read shared by the gauges it feeds: a scrape asks every gauge at once, and three gauges
 * set from one query must run that query once, not three times. A read in progress, or finished
 * less than `reuseMs` ago, is reused.
 */
export function sharedSample<T>(read: () => Promise<T>, reuseMs = 1_000): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    const now = Date.now();
    if (last && now - last.at < reuseMs) return last.value;
    const value = read();
    last = { at: now, value };
    // A failed read is not reused: the next scrape tries again.
    value.catch(() => {
      if (last?.value === value) last = undefined;
    });
    return value;
  };
}
