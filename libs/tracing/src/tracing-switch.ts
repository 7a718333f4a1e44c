import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Whether spans are recorded and exported: set once, by startTracing, before anything else runs. */
let on = false;
let shutdown: (() => Promise<void>) | undefined;

/**
 * Whether this process traces. The hot paths (every Kafka message published or consumed) ask
 * this first and do nothing else when it is false: no span, no header, no context object.
 */
export function isTracing(): boolean {
  return on;
}

/** The service's tracing is on when an OTLP endpoint is configured and the SDK is not disabled. */
export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (env.OTEL_TRACES_EXPORTER !== undefined && env.OTEL_TRACES_EXPORTER.trim().toLowerCase() === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

export interface TracingOptions {
  /** Where to look for the endpoint that turns tracing on (default: process.env); the SDK itself reads process.env. */
  env?: NodeJS.ProcessEnv;
  /** Tests: where finished spans go instead of the OTLP exporter (a processor over an in-memory exporter). */
  spanProcessor?: SpanProcessor;
}

/**
 * Starts tracing for `service` when OTEL_EXPORTER_OTLP_ENDPOINT (or _TRACES_ENDPOINT) is set:
 * registers a tracer provider exporting OTLP/HTTP, the W3C propagator, and the http, undici and
 * pg instrumentations. Call it first thing in main.ts: an instrumentation patches a module only
 * if it is loaded before that module is required. Unset, it loads nothing (the SDK is required
 * only here, lazily) and registers nothing: the API stays the no-op it is by default.
 * Returns whether tracing is on.
 */
export function startTracing(service: string, options: TracingOptions = {}): boolean {
  const env = options.env ?? process.env;
  if (on || (!options.spanProcessor && !tracingWanted(env))) return on;
  // Required lazily on purpose: with tracing off, not one module of the SDK is loaded.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startSdk } = require('./tracing-sdk') as typeof import('./tracing-sdk');
  shutdown = startSdk(`tripline-${service}`, options.spanProcessor);
  on = true;
  return on;
}

/** Exports the spans still buffered and stops tracing; a no-op when it is off. Never throws. */
export async function stopTracing(): Promise<void> {
  const stop = shutdown;
  shutdown = undefined;
  on = false;
  await stop?.().catch(() => undefined);
}
