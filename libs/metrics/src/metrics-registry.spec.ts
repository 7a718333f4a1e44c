import { boundedLabel, OTHER } from './bounded-label';
import { METRICS } from './metric-catalogue';
import { MetricsRegistry } from './metrics-registry';
import { sharedSample } from './scrape-sample';
import { tally } from './tally';

describe('MetricsRegistry', () => {
  it('keeps each registry apart: two services in one process expose only their own counts', async () => {
    const a = new MetricsRegistry({ defaultMetrics: false });
    const b = new MetricsRegistry({ defaultMetrics: false });
    a.counter('firings').inc({ trigger: 'dataSourceRefreshFailed' }, 3);
    expect(await a.exposition()).toContain('tripline_firings_total{trigger="dataSourceRefreshFailed"} 3');
    expect(await b.exposition()).not.toContain('tripline_firings_total');
  });

  it('gives the same metric when asked twice, and exposes only the metrics used', async () => {
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    expect(metrics.counter('deliveries')).toBe(metrics.counter('deliveries'));
    metrics.counter('deliveries').inc({ outcome: 'gone' });
    const text = await metrics.exposition();
    expect(text).toContain('tripline_deliveries_total{outcome="gone"} 1');
    expect(text).not.toContain('tripline_firings_total');
  });

  it("exposes Node's process metrics unless told not to", async () => {
    expect(await new MetricsRegistry().exposition()).toMatch(/^process_cpu_user_seconds_total /m);
    expect(await new MetricsRegistry({ defaultMetrics: false }).exposition()).not.toContain('process_cpu');
  });

  it('sets a gauge from its source at each scrape', async () => {
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    let due = 4;
    metrics.gauge('deliveriesDue', (g) => g.set(due));
    expect(await metrics.exposition()).toContain('tripline_deliveries_due 4');
    due = 7;
    expect(await metrics.exposition()).toContain('tripline_deliveries_due 7');
  });

  it('names every metric by the conventions: _total counters, _seconds histograms, a tripline_ or http_ prefix', () => {
    for (const d of Object.values(METRICS)) {
      expect(d.name).toMatch(/^(tripline|http)_[a-z_]+$/);
      if (d.type === 'counter') expect(d.name).toMatch(/_total$/);
      if (d.type === 'histogram') expect(d.name).toMatch(/_seconds$/);
      if (d.type === 'gauge') expect(d.name).not.toMatch(/_total$/);
    }
  });
});

describe('boundedLabel', () => {
  it('passes a known value and turns anything else into "other"', () => {
    const methods = ['GET', 'POST'] as const;
    expect(boundedLabel('GET', methods)).toBe('GET');
    expect(boundedLabel('BREW', methods)).toBe(OTHER);
    expect(boundedLabel('get', methods)).toBe(OTHER);
    expect(boundedLabel(undefined, methods)).toBe(OTHER);
  });
});

describe('tally', () => {
  it('increments once per distinct label set, by how many items share it', async () => {
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    const counter = metrics.counter('firings');
    const inc = jest.spyOn(counter, 'inc');
    tally(counter, [{ trigger: 'a' }, { trigger: 'b' }, { trigger: 'a' }], ({ trigger }) => ({ trigger }));
    expect(inc).toHaveBeenCalledTimes(2);
    expect(await metrics.exposition()).toMatch(/tripline_firings_total\{trigger="a"\} 2\ntripline_firings_total\{trigger="b"\} 1/);
  });
});

describe('sharedSample', () => {
  it('runs one read for the gauges of one scrape, and reads again for the next scrape, however soon', async () => {
    let reads = 0;
    const sample = sharedSample(async () => ++reads);
    expect(await Promise.all([sample(), sample(), sample()])).toEqual([1, 1, 1]);
    expect(await Promise.all([sample(), sample()])).toEqual([2, 2]);
  });

  it('is read once per scrape by the gauges it feeds (prom-client asks them all at once)', async () => {
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    let reads = 0;
    const sample = sharedSample(async () => ({ due: ++reads, inFlight: 10 * reads }));
    metrics.gauge('deliveriesDue', async (g) => g.set((await sample()).due));
    metrics.gauge('deliveriesInFlight', async (g) => g.set((await sample()).inFlight));
    expect(await metrics.exposition()).toMatch(/tripline_deliveries_due 1\n[\s\S]*tripline_deliveries_in_flight 10\n/);
    expect(await metrics.exposition()).toMatch(/tripline_deliveries_due 2\n[\s\S]*tripline_deliveries_in_flight 20\n/);
    expect(reads).toBe(2);
  });

  it('reads again after a failed read', async () => {
    let fail = true;
    const sample = sharedSample(async () => {
      if (fail) throw new Error('down');
      return 'up';
    });
    await expect(Promise.all([sample(), sample()])).rejects.toThrow('down');
    fail = false;
    expect(await sample()).toBe('up');
  });
});
