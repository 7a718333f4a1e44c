import {
  json,
  MetricsScrape,
  pipelineSettled,
  refreshEvent,
  SERVICES,
  startStack,
  type ServiceName,
  type TestStack,
} from '@tripline/testing';
import { randomUUID } from 'node:crypto';

/**
 * Every service's /metrics, read before and after a known flow through the five running
 * services: each counter must have moved by exactly what happened (deltas, so whatever the
 * stack did before does not matter), the gauges must say what is so, and no label may carry
 * an id.
 */
describe('Tripline end to end: metrics', () => {
  let stack: TestStack;
  const subscriptionIds: Record<string, string> = {};

  const scrapeAll = async () =>
    Object.fromEntries(await Promise.all(SERVICES.map(async (name) => [name, await MetricsScrape.of(stack.services.url(name))] as const))) as Record<
      ServiceName,
      MetricsScrape
    >;
  const postEvents = (body: unknown, key = stack.apiKey) =>
    fetch(`${stack.services.url('ingestion')}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(body),
    });
  const gateway = (method: string, path: string, body?: unknown) =>
    fetch(`${stack.services.url('gateway')}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  let before: Record<ServiceName, MetricsScrape>;
  let after: Record<ServiceName, MetricsScrape>;
  /** How much `name` (with at least `labels`) moved on `service` during the flow. */
  const delta = (service: ServiceName, name: string, labels: Record<string, string> = {}) =>
    after[service].value(name, labels) - before[service].value(name, labels);

  beforeAll(async () => {
    stack = await startStack('e2e-metrics');
    const { receiver, kafka, tenantId } = stack;
    receiver.respondWith((c) => (c.path === '/gone' ? 410 : 200));
    for (const [name, trigger] of [
      ['failed', 'data-source-refresh-failed'],
      ['gone', 'data-source-refresh-succeeded'],
    ]) {
      const res = await gateway('POST', `/v1/subscriptions/${trigger}`, { callbackUrl: receiver.url(`/${name}`) });
      expect(res.status).toBe(201);
      subscriptionIds[name] = (await json(res)).id;
    }
    await kafka.waitForGroup(kafka.groupId('tripline-dispatcher', 'endpoints'), 'subscriptionChanges');

    before = await scrapeAll();

    // Over HTTP: 4 good events in 3 requests (3 fire "failed", 1 fires "gone"), a batch of 2
    // refused for one invalid event, and a request with a key that is no key.
    expect((await postEvents({ events: [refreshEvent(), refreshEvent({ status: 'timed_out' })] })).status).toBe(202);
    expect((await postEvents(refreshEvent())).status).toBe(202);
    expect((await postEvents(refreshEvent({ status: 'succeeded' }))).status).toBe(202);
    expect((await postEvents({ events: [refreshEvent(), { ...refreshEvent(), occurredAt: 'last tuesday' }] })).status).toBe(400);
    expect((await postEvents(refreshEvent(), 'tl_not-a-key')).status).toBe(401);
    // Over the ingest topic: 1 good event (fires "failed"), 1 that is not JSON, 1 of a tenant that does not exist.
    await kafka.publishRaw('ingest', [
      { key: `${tenantId}:ds-erp`, value: JSON.stringify({ ...refreshEvent({ dataSourceId: 'ds-erp' }), tenantId }) },
      { key: 'poison', value: '{"type": "datasource.refresh.completed", "tenantId": 42' },
      { key: 'stranger', value: JSON.stringify({ ...refreshEvent(), tenantId: randomUUID() }) },
    ]);
    // One read through the gateway, for its route label.
    expect((await gateway('GET', `/v1/subscriptions/${subscriptionIds.failed}`)).status).toBe(200);

    await pipelineSettled(kafka, [tenantId]);
    // The 410 disabled the subscription (registry), and the dispatcher learned of it.
    await kafka.waitForGroup(kafka.groupId('tripline-registry', 'outcomes'), 'deliveryOutcomes');
    await kafka.waitForGroup(kafka.groupId('tripline-dispatcher', 'endpoints'), 'subscriptionChanges');
    after = await scrapeAll();
  });

  afterAll(async () => stack?.stop());

  it('counts the events ingestion accepted and refused, by source, type and reason', () => {
    expect(delta('ingestion', 'tripline_events_accepted_total', { source: 'http', type: 'datasource.refresh.completed' })).toBe(4);
    expect(delta('ingestion', 'tripline_events_accepted_total', { source: 'kafka', type: 'datasource.refresh.completed' })).toBe(1);
    expect(delta('ingestion', 'tripline_events_rejected_total', { source: 'http', reason: 'invalid' })).toBe(2);
    expect(delta('ingestion', 'tripline_events_rejected_total', { source: 'kafka', reason: 'invalid' })).toBe(1);
    expect(delta('ingestion', 'tripline_events_rejected_total', { source: 'kafka', reason: 'unknown_tenant' })).toBe(1);
    expect(delta('ingestion', 'tripline_events_rejected_total')).toBe(4);
  });

  it('counts dead letters by topic and reason category', () => {
    expect(delta('ingestion', 'tripline_dead_letters_total', { topic: 'tripline.ingest.v1', reason: 'invalid' })).toBe(1);
    expect(delta('ingestion', 'tripline_dead_letters_total', { topic: 'tripline.ingest.v1', reason: 'refused' })).toBe(1);
    for (const service of SERVICES) expect(delta(service, 'tripline_dead_letters_total')).toBe(service === 'ingestion' ? 2 : 0);
  });

  it('counts HTTP requests by method, route template and status, with their latency', () => {
    const events = { method: 'POST', route: '/v1/events' };
    expect(delta('ingestion', 'http_requests_total', { ...events, status: '202' })).toBe(3);
    expect(delta('ingestion', 'http_requests_total', { ...events, status: '400' })).toBe(1);
    expect(delta('ingestion', 'http_requests_total', { ...events, status: '401' })).toBe(1);
    expect(delta('ingestion', 'http_request_duration_seconds_count', events)).toBe(5);
    expect(delta('gateway', 'http_requests_total', { method: 'GET', route: '/v1/subscriptions/:id', status: '200' })).toBe(1);
    // The scrapes themselves and the probes are not counted.
    for (const service of SERVICES) expect(after[service].find('http_requests_total', { route: '/metrics' })).toEqual([]);
  });

  it('counts the firings by trigger, and the deliveries by final outcome with their attempts', () => {
    expect(delta('evaluator', 'tripline_firings_total', { trigger: 'data-source-refresh-failed' })).toBe(4);
    expect(delta('evaluator', 'tripline_firings_total', { trigger: 'data-source-refresh-succeeded' })).toBe(1);
    expect(delta('dispatcher', 'tripline_deliveries_total', { outcome: 'delivered' })).toBe(4);
    expect(delta('dispatcher', 'tripline_deliveries_total', { outcome: 'gone' })).toBe(1);
    expect(delta('dispatcher', 'tripline_deliveries_total')).toBe(5);
    expect(delta('dispatcher', 'tripline_delivery_attempt_duration_seconds_count', { outcome: '2xx' })).toBe(4);
    expect(delta('dispatcher', 'tripline_delivery_attempt_duration_seconds_count', { outcome: '4xx' })).toBe(1);
    expect(delta('registry', 'tripline_subscriptions_disabled_total', { reason: 'gone' })).toBe(1);
  });

  it('reads the schedule gauges from the database at scrape time', () => {
    // The database's counts, not this stack's: exact while no other stack shares the database (e2e files run one at a time).
    expect(delta('dispatcher', 'tripline_endpoints_disabled')).toBe(1);
    // Earlier specs may have left deliveries pending in it.
    for (const name of ['tripline_deliveries_due', 'tripline_deliveries_in_flight']) {
      const [gauge, ...more] = after.dispatcher.find(name);
      expect(more).toEqual([]);
      expect(Number.isInteger(gauge.value) && gauge.value >= 0).toBe(true);
    }
  });

  it("reports every consumer group's lag per partition, read from the broker at scrape time", () => {
    const groups: Array<[ServiceName, string, string]> = [
      ['ingestion', 'ingest', 'tripline.ingest.v1'],
      ['evaluator', 'events', 'tripline.events.v1'],
      ['gateway', 'read-model', 'tripline.events.v1'],
      ['registry', 'outcomes', 'tripline.delivery-outcomes.v1'],
      ['dispatcher', 'deliveries', 'tripline.deliveries.v1'],
    ];
    for (const [service, group, topic] of groups) {
      const lag = after[service].find('tripline_kafka_consumer_lag', { group: stack.kafka.groupId(`tripline-${service}`, group), topic });
      expect(lag.length).toBeGreaterThan(0);
      expect(lag.every((s) => /^\d+$/.test(s.labels.partition))).toBe(true);
    }
    // Settled: the pipeline's groups have committed all there is.
    expect(after.ingestion.value('tripline_kafka_consumer_lag', { topic: 'tripline.ingest.v1' })).toBe(0);
    expect(after.dispatcher.value('tripline_kafka_consumer_lag', { topic: 'tripline.deliveries.v1' })).toBe(0);
  });

  it("exposes Node's process metrics and the client error counters on every service, and never an id in a label", () => {
    for (const service of SERVICES) {
      const scrape = after[service];
      expect(scrape.find('process_cpu_user_seconds_total')).toHaveLength(1);
      expect(scrape.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
      expect(scrape.types.get('tripline_kafka_client_errors_total')).toBe('counter');
      expect(scrape.types.get('tripline_postgres_client_errors_total')).toBe('counter');
      for (const id of [stack.tenantId, ...Object.values(subscriptionIds)]) expect(scrape.text).not.toContain(id);
    }
  });
});
