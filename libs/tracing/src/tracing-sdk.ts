import { trace, context, propagation } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { IncomingMessage } from 'node:http';

/**
 * The pieces of @opentelemetry/sdk-node that tracing needs, and no more (sdk-node brings the
 * metrics and logs exporters and gRPC along: tens of MB in the image for nothing). Loaded only
 * when tracing is on (tracing-switch.ts). The standard OTEL_* variables apply as the SDK reads
 * them: OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT and _HEADERS, OTEL_TRACES_SAMPLER(_ARG),
 * OTEL_BSP_*, OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES. Returns the shutdown, which
 * exports what is buffered.
 */
export function startSdk(serviceName: string, spanProcessor?: SpanProcessor): () => Promise<void> {
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (the env detector) win over the default name.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [spanProcessor ?? new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // The AsyncLocalStorage context manager, and the W3C trace context and baggage propagators.
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes are not requests anyone traces: a trace every few seconds per service, and the dispatcher's gauge query in each.
        ignoreIncomingRequestHook: (req: IncomingMessage) => /^\/(health|metrics)(\/|\?|$)/.test(req.url ?? ''),
        requireParentforOutgoingSpans: true,
      }),
      // The dispatcher's callbacks: a client span under the attempt's, with traceparent sent along.
      // A callback URL is a credential (a Power Automate URL carries its signature in the query):
      // the span keeps its origin only, as the delivery log keeps only a redacted form.
      new UndiciInstrumentation({
        requireParentforSpans: true,
        startSpanHook: (request) => ({ 'url.full': `${request.origin}/…`, 'url.path': '/…', 'url.query': '' }),
      }),
      // Background loops (the dispatcher's claims, the outbox) would start a trace per poll.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  return async () => {
    unregister();
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  };
}
