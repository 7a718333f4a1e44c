/**
 * Every metric a Tripline service registers, in one place: names, types, labels and buckets are
 * read from here by the code that counts and by the tests that check the dashboard, so the two
 * cannot drift apart. Names follow Prometheus' conventions: `_total` for counters, `_seconds`
 * for durations, base units. Every label takes a bounded set of values (a route template, a
 * trigger, a category): never a tenant, subscription or event id, nor free text.
 */

/** Latency buckets for an HTTP request answered by us, in seconds: a few ms to a client's timeout. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Latency buckets for a callback attempt, in seconds: a fast receiver to DISPATCH_TIMEOUT's range. */
const ATTEMPT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface Definition<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
}
export interface CounterDefinition<L extends string = string> extends Definition<L> {
  type: 'counter';
}
export interface GaugeDefinition<L extends string = string> extends Definition<L> {
  type: 'gauge';
}
export interface HistogramDefinition<L extends string = string> extends Definition<L> {
  type: 'histogram';
  buckets: readonly number[];
}
export type MetricDefinition = CounterDefinition | GaugeDefinition | HistogramDefinition;

const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]): CounterDefinition<L> => ({ type: 'counter', name, help, labelNames });
const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]): GaugeDefinition<L> => ({ type: 'gauge', name, help, labelNames });
const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: readonly number[]): HistogramDefinition<L> => ({
  type: 'histogram',
  name,
  help,
  labelNames,
  buckets,
});

export const METRICS = {
  // every service (libs/service)
  httpRequests: counter('http_requests_total', 'HTTP requests answered, by method, route template and status', ['method', 'route', 'status']),
  httpRequestDuration: histogram(
    'http_request_duration_seconds',
    'Time to answer an HTTP request, by method, route template and status',
    ['method', 'route', 'status'],
    HTTP_BUCKETS,
  ),
  deadLetters: counter('tripline_dead_letters_total', 'Messages dead-lettered by this service, by source topic and reason category', ['topic', 'reason']),
  consumerLag: gauge('tripline_kafka_consumer_lag', "Messages of a partition not yet committed by this service's consumer group (read at scrape)", [
    'group',
    'topic',
    'partition',
  ]),
  kafkaClientErrors: counter('tripline_kafka_client_errors_total', 'Kafka client failures, by operation', ['operation']),
  postgresClientErrors: counter('tripline_postgres_client_errors_total', 'Postgres client failures, by kind', ['kind']),
  // ingestion
  eventsAccepted: counter('tripline_events_accepted_total', 'Events accepted and published to the events topic, by source and type', ['source', 'type']),
  eventsRejected: counter('tripline_events_rejected_total', 'Events refused, by source and reason', ['source', 'reason']),
  // evaluator
  firings: counter('tripline_firings_total', 'Delivery requests the evaluator published (one per subscription fired), by trigger', ['trigger']),
  // registry
  subscriptionsDisabled: counter('tripline_subscriptions_disabled_total', 'Subscriptions the registry disabled from a delivery outcome, by reason', ['reason']),
  // dispatcher
  deliveries: counter('tripline_deliveries_total', 'Deliveries that reached a final outcome, by outcome', ['outcome']),
  attemptDuration: histogram(
    'tripline_delivery_attempt_duration_seconds',
    'Duration of one callback attempt, by outcome class',
    ['outcome'],
    ATTEMPT_BUCKETS,
  ),
  deliveriesDue: gauge('tripline_deliveries_due', 'Pending deliveries whose next attempt is due and unclaimed (read at scrape)', []),
  deliveriesInFlight: gauge('tripline_deliveries_in_flight', 'Pending deliveries claimed by a dispatcher instance, being attempted (read at scrape)', []),
  endpointsDisabled: gauge('tripline_endpoints_disabled', 'Callback endpoints disabled (read at scrape)', []),
} as const;

export type MetricKey = keyof typeof METRICS;
