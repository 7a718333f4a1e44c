import { propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { contextOfTraceparent, traceparentOf, tracer } from './trace-context';
import { isTracing, startTracing, stopTracing, tracingWanted } from './tracing-switch';

describe('tracingWanted', () => {
  it('is on with an OTLP endpoint, for all traces or for traces only', () => {
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
  });

  it('is off without one, with a blank one, with the SDK disabled, or with no traces exporter', () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' })).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'TRUE' })).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
  });
});

describe('startTracing', () => {
  const saved = { ...process.env };
  afterEach(async () => {
    await stopTracing();
    process.env = { ...saved };
  });

  it('off: registers nothing, and a traceparent neither goes out nor comes in', () => {
    expect(startTracing('unit', { env: {} })).toBe(false);
    expect(isTracing()).toBe(false);
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 });
    const carrier: Record<string, string> = {};
    propagation.inject(ctx, carrier);
    expect(carrier).toEqual({});
    expect(trace.getSpanContext(contextOfTraceparent(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`))).toBeUndefined();
    expect(tracer().startSpan('x').isRecording()).toBe(false);
  });

  it('on: names the service tripline-<service> unless OTEL_SERVICE_NAME says otherwise, and round-trips a traceparent', async () => {
    const exporter = new InMemorySpanExporter();
    process.env.OTEL_SERVICE_NAME = 'custom-name';
    expect(startTracing('unit', { spanProcessor: new SimpleSpanProcessor(exporter) })).toBe(true);
    const span = tracer().startSpan('work');
    const traceparent = traceparentOf(trace.setSpan(ROOT_CONTEXT, span));
    expect(traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    const child = tracer().startSpan('later', {}, contextOfTraceparent(traceparent));
    child.end();
    span.end();
    const [later] = exporter.getFinishedSpans() as ReadableSpan[];
    expect(later.parentSpanContext?.spanId).toBe(span.spanContext().spanId);
    expect(later.resource.attributes['service.name']).toBe('custom-name');
  });

  it('on: the default service name, and OTEL_TRACES_SAMPLER is honoured', () => {
    const exporter = new InMemorySpanExporter();
    process.env.OTEL_TRACES_SAMPLER = 'always_off';
    delete process.env.OTEL_SERVICE_NAME;
    startTracing('unit', { spanProcessor: new SimpleSpanProcessor(exporter) });
    expect(tracer().startSpan('sampled out').isRecording()).toBe(false);
  });

  it('on: the service is named after it by default', () => {
    const exporter = new InMemorySpanExporter();
    delete process.env.OTEL_SERVICE_NAME;
    startTracing('unit', { spanProcessor: new SimpleSpanProcessor(exporter) });
    tracer().startSpan('named').end();
    expect(exporter.getFinishedSpans()[0].resource.attributes['service.name']).toBe('tripline-unit');
  });
});
