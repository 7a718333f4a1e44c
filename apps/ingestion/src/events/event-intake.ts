import { Inject, Injectable } from '@nestjs/common';
import type { Context } from '@opentelemetry/api';
import { eventPartitionKey, type AcceptedEvent, type EventInput } from '@tripline/contracts';
import { TopicPublisher } from '@tripline/kafka';
import { INGESTION_ENV, type IngestionEnv } from '../ingestion.env';
import { IntakeMetrics } from './intake-metrics';

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
   * The events that would be larger than INGEST_MAX_EVENT_BYTES once stamped. Checked before
   * anything is published: the broker would refuse such an event every time, and a retry would
   * never help, so it must be refused for good at the door.
   */
  oversized(tenantId: string, events: readonly EventInput[], source: AcceptedEvent['source']): OversizedEvent[] {
    const stamped = this.stamp(tenantId, events, source);
    const out: OversizedEvent[] = [];
    stamped.forEach((event, index) => {
      const bytes = Buffer.byteLength(JSON.stringify(event));
      if (bytes > this.env.INGEST_MAX_EVENT_BYTES) out.push({ index, bytes });
    });
    return out;
  }

  /** `traces[i]`: the trace event i arrived in, off the ingest topic; over HTTP, the request's (the active one). */
  async accept(tenantId: string, events: readonly EventInput[], source: AcceptedEvent['source'], traces?: ReadonlyArray<Context | undefined>): Promise<number> {
    const accepted = this.stamp(tenantId, events, source);
    await this.publisher.publish(
      'events',
      accepted.map((event, i) => ({ key: eventPartitionKey(event), value: event, trace: traces?.[i] })),
    );
    this.metrics.published(source, accepted);
    return accepted.length;
  }

  private stamp(tenantId: string, events: readonly EventInput[], source: AcceptedEvent['source']): AcceptedEvent[] {
    const stamp = { tenantId, receivedAt: new Date().toISOString(), source };
    // Not `{ ...event, tenantId, receivedAt, source }`: on Node.js 20's V8 each property written
    // after a leading spread costs about 0.7 µs (a runtime call), and every event is stamped.
    return events.map((event) => Object.assign({}, event, stamp));
  }
}
