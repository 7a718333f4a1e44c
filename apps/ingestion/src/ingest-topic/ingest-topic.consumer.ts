import { Controller } from '@nestjs/common';
import type { Context } from '@opentelemetry/api';
import type { EventInput } from '@tripline/contracts';
import { OnTopic, type Inbound, type Rejection } from '@tripline/kafka';
import { EventIntake } from '../events/event-intake';
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
    const byTenant = new Map<string, { events: EventInput[]; traces: Array<Context | undefined> }>();
    for (const message of batch) {
      const { tenantId, ...event } = message.value;
      if (!known.has(tenantId)) {
        rejected.push({ message, reason: `unknown tenantId ${tenantId}` });
        continue;
      }
      const [tooLarge] = this.intake.oversized(tenantId, [event], 'kafka');
      if (tooLarge) {
        rejected.push({ message, reason: `the event is ${tooLarge.bytes} bytes as published; the limit is ${this.intake.maxEventBytes} bytes (INGEST_MAX_EVENT_BYTES)` });
        continue;
      }
      const tenant = byTenant.get(tenantId) ?? { events: [], traces: [] };
      tenant.events.push(event);
      tenant.traces.push(message.trace);
      byTenant.set(tenantId, tenant);
    }
    await Promise.all([...byTenant].map(([tenantId, { events, traces }]) => this.intake.accept(tenantId, events, 'kafka', traces)));
    return rejected;
  }
}
