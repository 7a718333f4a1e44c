/**
 * One read shared by the gauges it feeds: a scrape asks every gauge at once (prom-client starts
 * every metric's collect in the same tick), and three gauges set from one query must run that
 * query once, not three times. A read in progress is shared; once it settles, the next scrape
 * reads again (a window of reuse would hand a quick second scrape the first one's values).
 */
export function sharedSample<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => {
    if (inFlight) return inFlight;
    const value = read();
    inFlight = value;
    const settled = () => {
      if (inFlight === value) inFlight = undefined;
    };
    value.then(settled, settled);
    return value;
  };
}
