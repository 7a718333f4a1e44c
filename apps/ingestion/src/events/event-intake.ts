import { Inject, Injectable } from '@nestjs/common';
import type { Context } from '@opentelemetry/api';
import { eventPartitionKey, type AcceptedEvent, type EventInput } from '@tripline/contracts';
import { encode, TopicPublisher, type Encoded } from '@tripline/kafka';
import { INGESTION_ENV, type IngestionEnv } from '../ingestion.env';
import { IntakeMetrics } from './intake-metrics';

/** An event as it is published: stamped, and serialized once. */
export interface StampedEvent {
  event: AcceptedEvent;
  encoded: Encoded<'events'>;
  /** Its size as published (UTF-8). */
  bytes: number;
}

/** An event too large to travel: its place in the request and its size as it would be published. */
export interface OversizedEvent {
  index: number;
  bytes: number;
}

/**
 * The one way into the pipeline, for HTTP and Kafka alike: stamps the tenant and the time of
 * receipt and publishes to the events topic, keyed by tenant and entity so that one entity's
 * events stay in order. Resolves only when Kafka acknowledged every event (acks=all).
 */
@Injectable()
export class EventIntake {
  constructor(
    private readonly publisher: TopicPublisher,
    @Inject(INGESTION_ENV) private readonly env: IngestionEnv,
    readonly metrics: IntakeMetrics,
  ) {}

  get maxEventBytes(): number {
    return this.env.INGEST_MAX_EVENT_BYTES;
  }

  /**
   * The events stamped with the tenant, the time of receipt and the source, each serialized
   * once: what is measured against INGEST_MAX_EVENT_BYTES is what is published.
   */
  stamp(tenantId: string, events: readonly EventInput[], source: AcceptedEvent['source'], receivedAt = new Date().toISOString()): StampedEvent[] {
    const stamp = { tenantId, receivedAt, source };
    return events.map((input) => {
      // Not `{ ...input, tenantId, receivedAt, source }`: on Node.js 20's V8 each property written
      // after a leading spread costs about 0.7 µs (a runtime call), and every event is stamped.
      const event: AcceptedEvent = Object.assign({}, input, stamp);
      const encoded = encode('events', event);
      return { event, encoded, bytes: Buffer.byteLength(encoded) };
    });
  }

  /**
   * The events that would be larger than INGEST_MAX_EVENT_BYTES as published. Checked before
   * anything is published: the broker would refuse such an event every time, and a retry would
   * never help, so it must be refused for good at the door.
   */
  oversized(stamped: readonly StampedEvent[]): OversizedEvent[] {
    const out: OversizedEvent[] = [];
    stamped.forEach(({ bytes }, index) => {
      if (bytes > this.env.INGEST_MAX_EVENT_BYTES) out.push({ index, bytes });
    });
    return out;
  }

  /** `traces[i]`: the trace event i arrived in, off the ingest topic; over HTTP, the request's (the active one). */
  async accept(stamped: readonly StampedEvent[], traces?: ReadonlyArray<Context | undefined>): Promise<number> {
    if (stamped.length === 0) return 0;
    await this.publisher.publish(
      'events',
      stamped.map(({ event, encoded }, i) => ({ key: eventPartitionKey(event), value: event, encoded, trace: traces?.[i] })),
    );
    this.metrics.published(stamped[0].event.source, stamped.map((s) => s.event));
    return stamped.length;
  }
}
