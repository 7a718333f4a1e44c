import { Controller } from '@nestjs/common';
import type { Context } from '@opentelemetry/api';
import type { EventInput } from '@tripline/contracts';
import { OnTopic, type Inbound, type Rejection } from '@tripline/kafka';
import { EventIntake } from '../events/event-intake';
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
    const byTenant = new Map<string, { events: EventInput[]; traces: Array<Context | undefined> }>();
    for (const message of batch) {
      const { tenantId, ...event } = message.value;
      if (!known.has(tenantId)) {
        rejected.push({ message, reason: `unknown tenantId ${tenantId}` });
        refusals.push('unknown_tenant');
        continue;
      }
      const [tooLarge] = this.intake.oversized(tenantId, [event], 'kafka');
      if (tooLarge) {
        rejected.push({ message, reason: `the event is ${tooLarge.bytes} bytes as published; the limit is ${this.intake.maxEventBytes} bytes (INGEST_MAX_EVENT_BYTES)` });
        refusals.push('too_large');
        continue;
      }
      const tenant = byTenant.get(tenantId) ?? { events: [], traces: [] };
      tenant.events.push(event);
      tenant.traces.push(message.trace);
      byTenant.set(tenantId, tenant);
    }
    await Promise.all([...byTenant].map(([tenantId, { events, traces }]) => this.intake.accept(tenantId, events, 'kafka', traces)));
    // Counted only once this call succeeded: a part that failed is handled again (poison
    // isolation), and its refusals with it.
    for (const reason of new Set(refusals)) this.intake.metrics.refused('kafka', reason, refusals.filter((r) => r === reason).length);
    return rejected;
  }
}
