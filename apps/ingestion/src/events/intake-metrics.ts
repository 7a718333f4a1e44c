import { Injectable, OnModuleInit } from '@nestjs/common';
import type { AcceptedEvent } from '@tripline/contracts';
import { KafkaConnection } from '@tripline/kafka';
import { MetricsRegistry, tally } from '@tripline/metrics';

/** Why events were refused: a bounded category (the answer or the dead letter says the rest). */
export type RefusalReason = 'invalid' | 'too_large' | 'unknown_tenant';

/**
 * Counts the events ingestion accepted (once Kafka acknowledged them) and refused, by source.
 * Messages of the ingest topic that fail its contract never reach the consumer: the Kafka lib
 * dead-letters them, and says so here.
 */
@Injectable()
export class IntakeMetrics implements OnModuleInit {
  private readonly accepted;
  private readonly rejected;

  constructor(
    metrics: MetricsRegistry,
    private readonly kafka: KafkaConnection,
  ) {
    this.accepted = metrics.counter('eventsAccepted');
    this.rejected = metrics.counter('eventsRejected');
  }

  onModuleInit(): void {
    this.kafka.signals.onDeadLetters((topic, category, count) => {
      if (topic === 'ingest' && category === 'invalid') this.refused('kafka', 'invalid', count);
    });
  }

  published(source: AcceptedEvent['source'], events: ReadonlyArray<{ type: string }>): void {
    tally(this.accepted, events, ({ type }) => ({ source, type }));
  }

  refused(source: AcceptedEvent['source'], reason: RefusalReason, count = 1): void {
    this.rejected.inc({ source, reason }, count);
  }
}
