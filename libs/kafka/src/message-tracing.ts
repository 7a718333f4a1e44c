import { context, propagation, SpanKind, SpanStatusCode, trace, ROOT_CONTEXT, type Context, type Span, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { isTracing, tracer } from '@tripline/tracing';
import type { IHeaders, KafkaMessage } from 'kafkajs';

/*
 * Trace context across Kafka: W3C `traceparent`/`tracestate` in each message's headers, and
 * spans after OpenTelemetry's messaging conventions (a PRODUCER span per message published, a
 * CONSUMER span per message processed, child of the producer's). Only called when tracing is on
 * (isTracing()): with it off, publishing and consuming never get here.
 *
 * The attribute names are written out: semantic-conventions keeps the messaging ones in its
 * unstable ("incubating") entry point, which is not meant to be imported.
 */

const headerSetter: TextMapSetter<IHeaders> = {
  set: (headers, key, value) => (headers[key] = value),
};
const headerGetter: TextMapGetter<IHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => {
    const value = headers[key];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.map(String) : String(value);
  },
};

function messagingAttributes(topicName: string, operation: 'send' | 'process') {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.type': operation,
    'messaging.operation.name': operation === 'send' ? 'publish' : 'process',
    'messaging.destination.name': topicName,
  };
}

/** The spans of one publish call, one per message, and the headers that carry each one's context. */
export class PublishSpans {
  readonly headers: IHeaders[];
  private readonly spans: Span[];

  /** `parents[i]`: the context message i belongs to (the active one when undefined). */
  constructor(topicName: string, parents: Array<Context | undefined>, given: Array<IHeaders | undefined>) {
    const attributes = messagingAttributes(topicName, 'send');
    const active = context.active();
    this.spans = parents.map((parent) => tracer().startSpan(`publish ${topicName}`, { kind: SpanKind.PRODUCER, attributes }, parent ?? active));
    this.headers = this.spans.map((span, i) => {
      const headers: IHeaders = { ...given[i] };
      propagation.inject(trace.setSpan(parents[i] ?? active, span), headers, headerSetter);
      return headers;
    });
  }

  /** Ends every span, as failed when the broker did not take the messages. */
  end(error?: unknown): void {
    for (const span of this.spans) {
      if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      span.end();
    }
  }
}

/** The context a consumed message's headers carry (the root context when they carry none). */
export function contextOfMessage(raw: KafkaMessage): Context {
  return raw.headers ? propagation.extract(ROOT_CONTEXT, raw.headers, headerGetter) : ROOT_CONTEXT;
}

/**
 * The CONSUMER spans of one fetch, one per valid message, child of its producer's context. They
 * cover the handler's work on the whole fetch (one handler call for many messages), and end
 * with it: as errors for the messages refused (dead-lettered) or when the fetch failed.
 */
export class FetchSpans {
  private readonly spans = new Map<string, Span>();
  private readonly reasons = new Map<string, string>();

  constructor(private readonly groupId: string) {}

  /** Starts the message's span and gives the message its context (`Inbound.trace`). */
  start<M extends { partition: number; offset: string; trace?: Context }>(topicName: string, partition: number, raw: KafkaMessage, message: M): M {
    const parent = contextOfMessage(raw);
    const span = tracer().startSpan(
      `process ${topicName}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          ...messagingAttributes(topicName, 'process'),
          'messaging.consumer.group.name': this.groupId,
          'messaging.destination.partition.id': String(partition),
          'messaging.kafka.offset': Number(raw.offset),
          'messaging.message.body.size': raw.value?.length ?? 0,
        },
      },
      parent,
    );
    this.spans.set(`${partition}:${raw.offset}`, span);
    message.trace = trace.setSpan(parent, span);
    return message;
  }

  refused(message: { partition: number; offset: string }, reason: string): void {
    this.reasons.set(`${message.partition}:${message.offset}`, reason);
  }

  end(error?: unknown): void {
    const failure = error === undefined ? undefined : error instanceof Error ? error.message : String(error);
    for (const [key, span] of this.spans) {
      const reason = this.reasons.get(key) ?? failure;
      if (reason !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
      span.end();
    }
  }
}

/**
 * Each message's trace by its value, for a handler that builds its outputs from the values
 * (`Outbound.trace: traces?.get(value)`); undefined when tracing is off.
 */
export function tracesByValue<V>(batch: ReadonlyArray<{ value: V; trace?: Context }>): Map<V, Context> | undefined {
  if (!isTracing()) return undefined;
  const traces = new Map<V, Context>();
  for (const { value, trace } of batch) if (trace) traces.set(value, trace);
  return traces;
}
