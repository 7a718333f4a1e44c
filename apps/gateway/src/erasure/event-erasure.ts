import { Injectable } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import { eraseInOneTransaction, type ErasureStep } from './erasure-transaction';

export type EventDataKind =
  | 'deliveryAttempts'
  | 'deliveries'
  | 'entityObservations'
  | 'eventEvaluations'
  | 'refreshRuns'
  | 'dataSourceStates'
  | 'segmentStates'
  | 'measureStates';

/**
 * What holds an event's payload, scoped to the tenant ($1) so another tenant's event id erases
 * nothing. Its deliveries go whole, pending ones too (an erased event is not sent any more),
 * with their attempts (the receivers' answers); the read model's rows it wrote last go with it.
 */
const STEPS: ReadonlyArray<ErasureStep<EventDataKind>> = [
  {
    kind: 'deliveryAttempts',
    statement: 'DELETE FROM delivery_attempts a USING deliveries d WHERE a.delivery_id = d.id AND a.log_day = d.log_day AND d.tenant_id = $1 AND d.event_id = $2',
  },
  { kind: 'deliveries', statement: 'DELETE FROM deliveries WHERE tenant_id = $1 AND event_id = $2' },
  { kind: 'entityObservations', statement: 'DELETE FROM entity_observations WHERE tenant_id = $1 AND event_id = $2' },
  // The record of its evaluation: its values, its status, whom it fired.
  { kind: 'eventEvaluations', statement: 'DELETE FROM event_evaluations WHERE tenant_id = $1 AND event_id = $2' },
  { kind: 'refreshRuns', statement: 'DELETE FROM refresh_runs WHERE tenant_id = $1 AND event_id = $2' },
  { kind: 'dataSourceStates', statement: 'DELETE FROM data_source_states WHERE tenant_id = $1 AND last_event_id = $2' },
  { kind: 'segmentStates', statement: 'DELETE FROM segment_states WHERE tenant_id = $1 AND last_event_id = $2' },
  { kind: 'measureStates', statement: 'DELETE FROM measure_states WHERE tenant_id = $1 AND last_event_id = $2' },
];

export interface EventErased {
  eventId: string;
  removed: Record<EventDataKind, number>;
}

/**
 * Erases what Tripline stored of one event of a tenant (GDPR erasure of a payload): one
 * transaction across the owners' tables, like a tenant's erasure. Kept: the evaluator's
 * `entity_states` row that names it (a number: what threshold crossing compares the next value
 * with); and the event itself on the Kafka topics until their retention.
 */
@Injectable()
export class EventErasure {
  constructor(private readonly prisma: PrismaService) {}

  async erase(tenantId: string, eventId: string): Promise<EventErased> {
    const removed = await eraseInOneTransaction(await this.prisma.pool.connect(), STEPS, [tenantId, eventId]);
    return { eventId, removed };
  }
}
