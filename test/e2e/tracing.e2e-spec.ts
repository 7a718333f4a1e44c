import {
  json,
  OtlpReceiver,
  OtlpSpanKind,
  refreshEvent,
  startStack,
  type Json,
  type ReceivedSpan,
  type TestStack,
} from '@tripline/testing';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** An HTTP server span's method and path, under the old or the stable HTTP conventions. */
const methodOf = (s: ReceivedSpan) => s.attributes['http.request.method'] ?? s.attributes['http.method'];
const pathOf = (s: ReceivedSpan) => String(s.attributes['url.path'] ?? s.attributes['http.target'] ?? '').split('?')[0];

/**
 * Traces through the five running services, exported over OTLP/HTTP to a local receiver: one
 * event's trace from its POST to every callback attempt, across three services and three topics,
 * and a subscribe call's trace across the gateway and the registry.
 */
describe('Tripline end to end: one trace per event, across Kafka', () => {
  let stack: TestStack;
  let otlp: OtlpReceiver;

  beforeAll(async () => {
    otlp = await new OtlpReceiver().start();
    // Spans are exported in batches; a short delay makes them arrive promptly.
    stack = await startStack('e2e-tracing', { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' });
  });
  afterAll(async () => {
    await stack?.stop();
    await otlp?.stop();
  });

  const gateway = async (method: string, urlPath: string, body?: unknown): Promise<Json> => {
    const res = await fetch(`${stack.services.url('gateway')}${urlPath}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { httpStatus: res.status, ...(await json(res)) };
  };

  /** The span of `trace` with this id, failing the test when it is not there. */
  const parentOf = (trace: ReceivedSpan[], span: ReceivedSpan) => {
    const parent = trace.find((s) => s.spanId === span.parentSpanId);
    if (!parent) throw new Error(`the parent of ${span.service} "${span.name}" is not in its trace`);
    return parent;
  };
  const ancestorsOf = (trace: ReceivedSpan[], span: ReceivedSpan) => {
    const chain: ReceivedSpan[] = [];
    for (let s = span; s.parentSpanId; s = parentOf(trace, s)) chain.push(parentOf(trace, s));
    return chain;
  };

  it('a subscribe call is one trace: the gateway asks the registry over Kafka and reads its reply', async () => {
    const sub = await gateway('POST', '/v1/subscriptions/data-source-refresh-failed', { callbackUrl: stack.receiver.url('/subscribed'), dataSourceId: 'ds-subscribe' });
    expect(sub.httpStatus).toBe(201);

    const requests = stack.kafka.topicName('registryRequests');
    const replies = stack.kafka.topicName('registryReplies');
    const inDatabase = (s: ReceivedSpan) => (s.attributes['db.system.name'] ?? s.attributes['db.system']) === 'postgresql';
    // Each service exports its spans in batches of its own: the gateway's can arrive before the
    // registry's, whose consumer span ends only after the reply is published. So wait for both.
    const trace = await otlp.waitFor((spans) => {
      const server = spans.find((s) => s.service === 'tripline-gateway' && s.kind === OtlpSpanKind.server && methodOf(s) === 'POST' && pathOf(s) === '/v1/subscriptions/data-source-refresh-failed');
      const inTrace = server && otlp.trace(server.traceId);
      const has = (service: string, name: string) => inTrace?.some((s) => s.service === service && s.name === name);
      const complete =
        has('tripline-gateway', `process ${replies}`) &&
        has('tripline-registry', `process ${requests}`) &&
        has('tripline-registry', `publish ${replies}`) &&
        inTrace?.some((s) => s.service === 'tripline-registry' && inDatabase(s));
      return complete ? inTrace : undefined;
    });

    const server = trace.find((s) => s.kind === OtlpSpanKind.server)!;
    expect(server.parentSpanId).toBe('');
    const asked = trace.find((s) => s.service === 'tripline-gateway' && s.name === `publish ${requests}`)!;
    expect(asked.kind).toBe(OtlpSpanKind.producer);
    expect(ancestorsOf(trace, asked)).toContain(server);
    const answered = trace.find((s) => s.service === 'tripline-registry' && s.name === `process ${requests}`)!;
    expect(answered).toMatchObject({ kind: OtlpSpanKind.consumer, attributes: expect.objectContaining({ 'messaging.system': 'kafka', 'messaging.destination.name': requests }) });
    expect(parentOf(trace, answered)).toBe(asked);
    const replied = trace.find((s) => s.service === 'tripline-registry' && s.name === `publish ${replies}`)!;
    expect(parentOf(trace, replied)).toBe(answered);
    const read = trace.find((s) => s.service === 'tripline-gateway' && s.name === `process ${replies}`)!;
    expect(parentOf(trace, read)).toBe(replied);
    // The registry's own database work is in the trace too.
    const statements = trace.filter((s) => s.service === 'tripline-registry' && s.kind === OtlpSpanKind.client && inDatabase(s));
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) expect(ancestorsOf(trace, statement)).toContain(answered);
  });

  it('an event posted once is one trace from POST /v1/events to each callback attempt', async () => {
    const paths = ['/traced-a', '/traced-b'];
    for (const p of paths) {
      expect((await gateway('POST', '/v1/subscriptions/data-source-refresh-failed', { callbackUrl: stack.receiver.url(p), dataSourceId: 'ds-traced' })).httpStatus).toBe(201);
    }
    await stack.kafka.waitForGroup(stack.kafka.groupId('tripline-dispatcher', 'endpoints'), 'subscriptionChanges');

    const event = refreshEvent({ dataSourceId: 'ds-traced' });
    const posted = await fetch(`${stack.services.url('ingestion')}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey },
      body: JSON.stringify({ events: [event] }),
    });
    expect(posted.status).toBe(202);
    await stack.receiver.waitFor((received) => paths.every((p) => received.some((c) => c.path === p)));

    const trace = await otlp.waitFor((spans) => {
      const server = spans.find((s) => s.service === 'tripline-ingestion' && s.kind === OtlpSpanKind.server && pathOf(s) === '/v1/events');
      const inTrace = server && otlp.trace(server.traceId);
      return inTrace && inTrace.filter((s) => s.name === 'callback attempt').length >= 2 ? inTrace : undefined;
    });

    for (const service of ['tripline-ingestion', 'tripline-evaluator', 'tripline-dispatcher']) expect(trace.some((s) => s.service === service)).toBe(true);

    const server = trace.find((s) => s.kind === OtlpSpanKind.server)!;
    expect(server).toMatchObject({ service: 'tripline-ingestion', parentSpanId: '' });
    expect(methodOf(server)).toBe('POST');

    const named = (service: string, name: string) => trace.filter((s) => s.service === service && s.name === name);
    const [accepted] = named('tripline-ingestion', `publish ${stack.kafka.topicName('events')}`);
    expect(ancestorsOf(trace, accepted)).toContain(server);
    const [evaluated] = named('tripline-evaluator', `process ${stack.kafka.topicName('events')}`);
    expect(parentOf(trace, evaluated)).toBe(accepted);

    // One delivery request per subscription, each a child of the event's processing ...
    const requested = named('tripline-evaluator', `publish ${stack.kafka.topicName('deliveries')}`);
    expect(requested).toHaveLength(2);
    for (const r of requested) expect(parentOf(trace, r)).toBe(evaluated);
    // ... taken in by the dispatcher, and each attempt a child of its own delivery's.
    const scheduled = named('tripline-dispatcher', `process ${stack.kafka.topicName('deliveries')}`);
    expect(scheduled.map((s) => parentOf(trace, s)).sort((a, b) => a.spanId.localeCompare(b.spanId))).toEqual([...requested].sort((a, b) => a.spanId.localeCompare(b.spanId)));
    const attempts = named('tripline-dispatcher', 'callback attempt');
    expect(attempts).toHaveLength(2);
    expect(new Set(attempts.map((a) => parentOf(trace, a)))).toEqual(new Set(scheduled));
    for (const attempt of attempts) {
      expect(attempt.attributes).toMatchObject({ 'tripline.attempt.number': 1, 'tripline.attempt.outcome': 'delivered', 'http.response.status_code': 200 });
      // The callback's HTTP request, under its attempt; its URL is a credential, so only its origin is kept.
      const posts = trace.filter((s) => s.kind === OtlpSpanKind.client && s.parentSpanId === attempt.spanId && methodOf(s) === 'POST');
      expect(posts).toHaveLength(1);
      expect(String(posts[0].attributes['url.full'])).not.toContain('/traced');
    }
    expect(JSON.stringify(trace)).not.toContain('/traced-');
    // The receiver can join the trace: the callback carries its context.
    for (const p of paths) expect(String(stack.receiver.at(p)[0].headers.traceparent)).toContain(server.traceId);
  });

  it('an event off the ingest topic starts its trace at ingestion, and reaches its callback attempt', async () => {
    expect((await gateway('POST', '/v1/subscriptions/data-source-refresh-failed', { callbackUrl: stack.receiver.url('/via-kafka'), dataSourceId: 'ds-via-kafka' })).httpStatus).toBe(201);
    await stack.kafka.waitForGroup(stack.kafka.groupId('tripline-dispatcher', 'endpoints'), 'subscriptionChanges');
    const event = refreshEvent({ dataSourceId: 'ds-via-kafka' });
    await stack.kafka.publish('ingest', [{ key: `${stack.tenantId}:dataSource:ds-via-kafka`, value: { ...event, tenantId: stack.tenantId } }]);

    const ingest = stack.kafka.topicName('ingest');
    const trace = await otlp.waitFor((spans) => {
      const taken = spans.find((s) => s.service === 'tripline-ingestion' && s.name === `process ${ingest}`);
      const inTrace = taken && otlp.trace(taken.traceId);
      return inTrace?.some((s) => s.name === 'callback attempt') ? inTrace : undefined;
    });
    const taken = trace.find((s) => s.name === `process ${ingest}`)!;
    // The test's producer sent no traceparent: the trace starts where the message was taken in.
    expect(taken.parentSpanId).toBe('');
    const accepted = trace.find((s) => s.service === 'tripline-ingestion' && s.name === `publish ${stack.kafka.topicName('events')}`)!;
    expect(parentOf(trace, accepted)).toBe(taken);
    const attempt = trace.find((s) => s.name === 'callback attempt')!;
    expect(ancestorsOf(trace, attempt).map((s) => s.service)).toEqual(expect.arrayContaining(['tripline-dispatcher', 'tripline-evaluator', 'tripline-ingestion']));
  });

  it('with no OTLP endpoint set, a service loads no part of the SDK', () => {
    const tracing = path.resolve(__dirname, '../../dist/libs/tracing/src/index.js');
    const script = `
      const { startTracing } = require(${JSON.stringify(tracing)});
      const on = startTracing('probe');
      const loaded = Object.keys(require.cache).filter((p) => /@opentelemetry[\\\\/](sdk|exporter|instrumentation|resources|core)/.test(p));
      console.log(JSON.stringify({ on, loaded }));`;
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
    expect(JSON.parse(execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' }))).toEqual({ on: false, loaded: [] });
  });
});
