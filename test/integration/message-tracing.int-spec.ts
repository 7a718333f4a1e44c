import { context, propagation, ProxyTracerProvider, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { DeliveryOutcome } from '@tripline/contracts';
import { KafkaConnection, TopicConsumers, TopicPublisher, type Inbound } from '@tripline/kafka';
import { goneOutcome, isolatedNamespace, testInfra, TestKafka } from '@tripline/testing';
import { isTracing, startTracing, stopTracing, tracer } from '@tripline/tracing';
import { randomUUID } from 'node:crypto';

/** Trace context across Kafka (libs/kafka with libs/tracing), against the real broker. */
describe('trace context in Kafka headers', () => {
  const namespace = isolatedNamespace('tracing');
  const tenantId = randomUUID();
  let kafka: TestKafka;
  let connection: KafkaConnection;
  let publisher: TopicPublisher;
  let consumers: TopicConsumers;

  beforeAll(async () => {
    kafka = new TestKafka(namespace);
    connection = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId: 'tripline-tracing-test', namespace, topicPartitions: 2 });
    await connection.connect();
    publisher = new TopicPublisher(connection);
    consumers = new TopicConsumers(connection, publisher);
  });
  afterAll(async () => {
    await stopTracing();
    await connection?.beforeApplicationShutdown();
    await connection?.onApplicationShutdown();
    await kafka?.close();
  });

  /** Consumes `topic` in a group of its own until `count` messages came, and returns them. */
  async function consume<T extends 'deliveryOutcomes' | 'dispatcherReplies'>(topic: T, group: string, count: number, then?: (batch: Array<Inbound<T>>) => Promise<void>) {
    const seen: Array<Inbound<T>> = [];
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    await consumers.start({
      topic,
      group,
      handle: async (batch) => {
        seen.push(...batch);
        await then?.(batch);
        if (seen.length >= count) done();
      },
    });
    await all;
    return seen;
  }

  it('with no OTLP endpoint set, registers nothing and adds no header', async () => {
    expect(startTracing('tracing-test', { env: { OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' } })).toBe(false);
    expect(isTracing()).toBe(false);
    // The API's defaults, untouched: a no-op tracer provider, no propagator, no context manager.
    expect((trace.getTracerProvider() as ProxyTracerProvider).getDelegate().constructor.name).toBe('NoopTracerProvider');
    expect(propagation.fields()).toEqual([]);
    expect(context.with(trace.setSpanContext(ROOT_CONTEXT, { traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 }), () => context.active())).toBe(ROOT_CONTEXT);

    const sent: DeliveryOutcome[] = [goneOutcome(tenantId, randomUUID(), 1), goneOutcome(tenantId, randomUUID(), 2)];
    await publisher.publish('deliveryOutcomes', sent.map((o) => ({ key: o.subscriptionId, value: o })));
    const records = await kafka.readAll('deliveryOutcomes');
    expect(records).toHaveLength(2);
    for (const record of records) expect(record.headers).toEqual({});
    const seen = await consume('deliveryOutcomes', 'untraced', 2);
    expect(seen.map((m) => m.trace)).toEqual([undefined, undefined]);
  });

  it('with tracing on, each message carries its own context, and what a handler publishes for it is its child', async () => {
    const exporter = new InMemorySpanExporter();
    expect(startTracing('tracing-test', { spanProcessor: new SimpleSpanProcessor(exporter) })).toBe(true);
    const spansNamed = (name: string) => exporter.getFinishedSpans().filter((s) => s.name === name);

    // Two messages published in one call, each within a trace of its own (as the evaluator does).
    const roots = [tracer().startSpan('event a'), tracer().startSpan('event b')];
    const subscriptionIds = [randomUUID(), randomUUID()];
    await publisher.publish(
      'dispatcherReplies',
      subscriptionIds.map((id, i) => ({
        key: id,
        value: { requestId: randomUUID(), replyTo: id, outcome: { kind: 'resent', found: true } },
        trace: trace.setSpan(ROOT_CONTEXT, roots[i]),
      })),
    );
    roots.forEach((s) => s.end());
    const records = await kafka.readAll('dispatcherReplies');
    expect(records).toHaveLength(2);
    for (const record of records) expect(record.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    // The handler republishes each message in its own trace: the consumer's context, given per message.
    await consume('dispatcherReplies', 'traced', 2, async (batch) => {
      await publisher.publish(
        'deliveryOutcomes',
        batch.map((m) => ({ key: m.value.replyTo, value: goneOutcome(tenantId, m.value.replyTo, 3), trace: m.trace })),
      );
    });

    // A process span ends once the handler's whole fetch is done, a moment after the handler saw it.
    const processName = `process ${kafka.topicName('dispatcherReplies')}`;
    for (let tries = 0; spansNamed(processName).length < 2 && tries < 200; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    const publishes = spansNamed(`publish ${kafka.topicName('dispatcherReplies')}`);
    const processes = spansNamed(`process ${kafka.topicName('dispatcherReplies')}`);
    const republishes = spansNamed(`publish ${kafka.topicName('deliveryOutcomes')}`);
    expect([publishes.length, processes.length, republishes.length]).toEqual([2, 2, 2]);
    const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
    for (const root of roots) {
      const { traceId, spanId } = root.spanContext();
      const published = publishes.find((s) => s.spanContext().traceId === traceId)!;
      expect(published.kind).toBe(SpanKind.PRODUCER);
      expect(parentOf(published)).toBe(spanId);
      expect(published.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': kafka.topicName('dispatcherReplies') });
      const processed = processes.find((s) => s.spanContext().traceId === traceId)!;
      expect(processed.kind).toBe(SpanKind.CONSUMER);
      expect(parentOf(processed)).toBe(published.spanContext().spanId);
      expect(processed.attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.consumer.group.name': kafka.groupId('tripline-tracing-test', 'traced'),
        'messaging.destination.partition.id': expect.any(String),
        'messaging.kafka.offset': expect.any(Number),
      });
      const republished = republishes.find((s) => s.spanContext().traceId === traceId)!;
      expect(parentOf(republished)).toBe(processed.spanContext().spanId);
    }
    expect(processes[0].resource.attributes['service.name']).toBe('tripline-tracing-test');

    await stopTracing();
    expect(isTracing()).toBe(false);
  });
});
