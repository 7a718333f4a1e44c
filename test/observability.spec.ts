import { METRICS, MetricsRegistry } from '@tripline/metrics';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const SERVICES = ['gateway', 'ingestion', 'registry', 'evaluator', 'dispatcher'];

interface Dashboard {
  panels: Array<{ title: string; datasource: { uid: string }; targets: Array<{ expr: string; datasource: { uid: string } }> }>;
}
const dashboard = JSON.parse(read('infra/observability/grafana/dashboards/tripline-pipeline.json')) as Dashboard;

/** Every metric a Tripline service can register: the catalogue's, and Node's default ones. */
async function registeredNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const d of Object.values(METRICS)) {
    names.add(d.name);
    if (d.type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(d.name + suffix);
  }
  const defaults = await new MetricsRegistry().registry.getMetricsAsJSON();
  for (const m of defaults) {
    names.add(m.name);
    if (String(m.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(m.name + suffix);
  }
  return names;
}

/** The metric names a PromQL expression reads: identifiers before a selector or a range, minus functions, keywords and labels. */
function metricNamesIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"[^"]*"/g, '""');
  const withoutGrouping = withoutStrings.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = [...withoutGrouping.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?=[{[)]|$)/g)].map((m) => m[1]);
  return names.filter((n) => !/^\$__/.test(n) && !['rate', 'sum', 'max', 'histogram_quantile', 'le'].includes(n));
}

describe('infra/observability', () => {
  it('reads, in every dashboard query, only metrics the services register', async () => {
    const registered = await registeredNames();
    const queried = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricNamesIn(t.expr)));
    expect(queried.length).toBeGreaterThan(10);
    expect(queried.filter((name) => !registered.has(name))).toEqual([]);
  });

  it("shows the pipeline's metrics: events, rejections, firings, deliveries, latency, schedule, lag, dead letters, errors", () => {
    const queried = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricNamesIn(t.expr))));
    for (const key of ['eventsAccepted', 'eventsRejected', 'firings', 'deliveries', 'deliveriesDue', 'deliveriesInFlight', 'consumerLag', 'deadLetters', 'kafkaClientErrors', 'postgresClientErrors'] as const) {
      expect([key, queried.has(METRICS[key].name)]).toEqual([key, true]);
    }
    expect(queried.has(`${METRICS.attemptDuration.name}_bucket`)).toBe(true);
  });

  it('queries the datasource Grafana is provisioned with', () => {
    const provisioned = parse(read('infra/observability/grafana/provisioning/datasources/prometheus.yml')) as { datasources: Array<{ uid: string; url: string }> };
    const uids = new Set(dashboard.panels.flatMap((p) => [p.datasource.uid, ...p.targets.map((t) => t.datasource.uid)]));
    expect([...uids]).toEqual([provisioned.datasources[0].uid]);
    expect(provisioned.datasources[0].url).toBe('http://prometheus:9090');
  });

  it('scrapes all five services, at the ports compose gives them', () => {
    const config = parse(read('infra/observability/prometheus.yml')) as {
      scrape_configs: Array<{ metrics_path: string; static_configs: Array<{ targets: string[]; labels: { service: string } }> }>;
    };
    const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, { environment?: Record<string, unknown>; profiles?: string[] }> };
    const targets = config.scrape_configs.flatMap((c) => c.static_configs.map((s) => ({ service: s.labels.service, targets: s.targets, path: c.metrics_path })));
    expect(targets.map((t) => t.service).sort()).toEqual([...SERVICES].sort());
    for (const { service, targets: [target], path: metricsPath } of targets) {
      expect(target).toBe(`${service}:${compose.services[service].environment?.PORT}`);
      expect(metricsPath).toBe('/metrics');
    }
    expect(compose.services.prometheus.profiles).toEqual(['observability']);
    expect(compose.services.grafana.profiles).toEqual(['observability']);
  });
});
