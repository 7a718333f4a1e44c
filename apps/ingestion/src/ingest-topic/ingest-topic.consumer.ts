import { Controller } from '@nestjs/common';
import type { Context } from '@opentelemetry/api';
import { OnTopic, type Inbound, type Rejection } from '@tripline/kafka';
import { EventIntake, type StampedEvent } from '../events/event-intake';
import type { RefusalReason } from '../events/intake-metrics';
import { KnownTenants } from './known-tenants';

/**
 * Events any Kafka producer publishes on the ingest topic. The contract check (and the dead
 * letter for a message that fails it) happens in TopicConsumers; here an unknown tenant is
 * refused too, and the rest goes the same way as events posted over HTTP.
 */
@Controller()
export class IngestTopicConsumer {
  constructor(
    private readonly intake: EventIntake,
    private readonly tenants: KnownTenants,
  ) {}

  @OnTopic('ingest', { group: 'ingest' })
  async handle(batch: Array<Inbound<'ingest'>>): Promise<Array<Rejection<'ingest'>>> {
    const known = await this.tenants.filterKnown(batch.map((m) => m.value.tenantId));
    const rejected: Array<Rejection<'ingest'>> = [];
    const refusals: RefusalReason[] = [];
    const byTenant = new Map<string, { events: StampedEvent[]; traces: Array<Context | undefined> }>();
    const receivedAt = new Date().toISOString();
    for (const message of batch) {
      // The message as it is (its tenantId included): stamping sets the same tenantId again.
      const { value: event } = message;
      const { tenantId } = event;
      if (!known.has(tenantId)) {
        rejected.push({ message, reason: `unknown tenantId ${tenantId}` });
        refusals.push('unknown_tenant');
        continue;
      }
      const stamped = this.intake.stamp(tenantId, [event], 'kafka', receivedAt);
      const [tooLarge] = this.intake.oversized(stamped);
      if (tooLarge) {
        rejected.push({ message, reason: `the event is ${tooLarge.bytes} bytes as published; the limit is ${this.intake.maxEventBytes} bytes (INGEST_MAX_EVENT_BYTES)` });
        refusals.push('too_large');
        continue;
      }
      const tenant = byTenant.get(tenantId) ?? { events: [], traces: [] };
      tenant.events.push(stamped[0]);
      tenant.traces.push(message.trace);
      byTenant.set(tenantId, tenant);
    }
    await Promise.all([...byTenant.values()].map(({ events, traces }) => this.intake.accept(events, traces)));
    // Counted only once this call succeeded: a part that failed is handled again (poison
    // isolation), and its refusals with it.
    for (const reason of new Set(refusals)) this.intake.metrics.refused('kafka', reason, refusals.filter((r) => r === reason).length);
    return rejected;
  }
}
