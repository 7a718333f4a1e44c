import { context, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { contextOfTraceparent, isTracing, tracer } from '@tripline/tracing';
import type { ClaimedDelivery } from './delivery-log';

/**
 * Runs one attempt in a span of its own, child of the delivery request's trace context as stored
 * with the delivery (so every attempt of an event, retries included, is in that event's trace);
 * the callback's HTTP client span is its child. With tracing off, just runs it.
 */
export async function inAttemptSpan<T>(delivery: ClaimedDelivery, work: (span?: Span) => Promise<T>): Promise<T> {
  if (!isTracing()) return work();
  const parent = contextOfTraceparent(delivery.traceparent);
  const span = tracer().startSpan(
    'callback attempt',
    {
      attributes: {
        'tripline.delivery.id': delivery.id,
        'tripline.tenant.id': delivery.tenantId,
        'tripline.subscription.id': delivery.subscriptionId,
        'tripline.trigger': delivery.trigger,
        'tripline.attempt.number': delivery.attemptCount + 1,
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

/** What the attempt came to, on its span: `outcome` is the delivery's final status, or `retry`. */
export function describeAttempt(span: Span | undefined, statusCode: number | null, outcome: string, error: string | null, retryInMs: number | null): void {
  if (!span) return;
  span.setAttribute('tripline.attempt.outcome', outcome);
  if (statusCode !== null) span.setAttribute('http.response.status_code', statusCode);
  if (retryInMs !== null) span.setAttribute('tripline.attempt.retry_in_ms', retryInMs);
  if (outcome !== 'delivered' && outcome !== 'validated') span.setStatus({ code: SpanStatusCode.ERROR, message: error ?? `HTTP ${statusCode}` });
}
