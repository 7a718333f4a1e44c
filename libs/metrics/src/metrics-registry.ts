import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import { METRICS, type CounterDefinition, type GaugeDefinition, type HistogramDefinition } from './metric-catalogue';

type Catalogue = typeof METRICS;
type KeysOf<D> = { [K in keyof Catalogue]: Catalogue[K] extends D ? K : never }[keyof Catalogue];
type LabelsOf<K extends keyof Catalogue> = Catalogue[K]['labelNames'][number];

/**
 * One service's metrics: a registry of its own, never prom-client's global one, since tests run
 * several services in one process and each must expose only its own counts. Metrics are made
 * on first use from the catalogue (METRICS), so a service exposes those it counts and no empty
 * others; asking twice gives the same metric.
 */
export class MetricsRegistry {
  readonly registry = new Registry();
  private readonly made = new Map<string, Metric>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    // Node's process metrics: CPU, memory, event loop lag, GC, handles.
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  counter<K extends KeysOf<CounterDefinition>>(key: K): Counter<LabelsOf<K>> {
    return this.make(key, (d: CounterDefinition) => new Counter({ ...this.config(d) })) as Counter<LabelsOf<K>>;
  }

  histogram<K extends KeysOf<HistogramDefinition>>(key: K): Histogram<LabelsOf<K>> {
    return this.make(key, (d: HistogramDefinition) => new Histogram({ ...this.config(d), buckets: [...d.buckets] })) as Histogram<LabelsOf<K>>;
  }

  /** A gauge; `collect` (if given) runs at each scrape, to set it from its source then. */
  gauge<K extends KeysOf<GaugeDefinition>>(key: K, collect?: (gauge: Gauge<LabelsOf<K>>) => Promise<void> | void): Gauge<LabelsOf<K>> {
    return this.make(
      key,
      (d: GaugeDefinition) =>
        new Gauge<string>({
          ...this.config(d),
          ...(collect ? { collect(this: Gauge<string>) { return collect(this as Gauge<LabelsOf<K>>); } } : {}),
        }),
    ) as Gauge<LabelsOf<K>>;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text, as Prometheus scrapes it. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  private config(definition: { name: string; help: string; labelNames: readonly string[] }) {
    return { name: definition.name, help: definition.help, labelNames: [...definition.labelNames], registers: [this.registry] };
  }

  private make<D>(key: keyof Catalogue, create: (definition: D) => Metric): Metric {
    let metric = this.made.get(key);
    if (!metric) {
      metric = create(METRICS[key] as D);
      this.made.set(key, metric);
    }
    return metric;
  }
}
