import { context, propagation, ROOT_CONTEXT, trace, type Context, type TextMapGetter, type TextMapSetter, type Tracer } from '@opentelemetry/api';

/** The one tracer of Tripline's own spans (the instrumentations have theirs). */
export function tracer(): Tracer {
  return trace.getTracer('tripline');
}

const toRecord: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => (carrier[key] = value),
};
const fromRecord: TextMapGetter<Record<string, string>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/**
 * The W3C `traceparent` of a context (its active span's), to keep beside work that outlives the
 * process's memory: the dispatcher stores it with each delivery, so that every attempt, however
 * late and on whichever instance, joins the event's trace. Null when the context has no span.
 */
export function traceparentOf(ctx: Context = context.active()): string | null {
  if (!trace.getSpanContext(ctx)) return null;
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier, toRecord);
  return carrier.traceparent ?? null;
}

/** The context a stored `traceparent` stands for (the root context when there is none). */
export function contextOfTraceparent(traceparent: string | null | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent }, fromRecord);
}
