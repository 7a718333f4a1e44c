import { Injectable } from '@nestjs/common';
import type { DeliveryOutcome, DeliveryRequest } from '@tripline/contracts';
import { PrismaService } from '@tripline/db';
import type { CallbackAttempt } from '../callbacks/callback-sender';

export type FinalStatus = 'delivered' | 'failed' | 'gone' | 'cancelled' | 'validated';

export interface ClaimedDelivery {
  id: string;
  trigger: string;
  createdAt: Date;
  tenantId: string;
  subscriptionId: string;
  callbackUrl: string;
  body: string;
  attemptCount: number;
}

/** The attempt's consequence for the delivery and its endpoint, written in one transaction. */
export interface AttemptRecord {
  delivery: ClaimedDelivery;
  attemptNumber: number;
  startedAt: Date;
  result: CallbackAttempt;
  /** null: final; a number: the next attempt in that many ms. */
  retryInMs: number | null;
  finalStatus: FinalStatus | null;
  /** How the endpoint's health changes, if it does. */
  healthChange: 'recovered' | 'failing' | 'disabled' | null;
  /** Set when this failure disables the endpoint. */
  disableReason: string | null;
}

interface ClaimRow {
  id: string;
  trigger: string;
  created_at: Date;
  tenant_id: string;
  subscription_id: string;
  callback_url: string;
  body: string | null;
  payload: unknown;
  attempt_count: number;
}

/**
 * The dispatcher's record of every delivery and every attempt, and the durable schedule of
 * what is due. Deliveries are claimed with a lease (FOR UPDATE SKIP LOCKED): several
 * instances share the work, and a delivery whose instance died is due again once the lease
 * ends, so no scheduled retry is lost to a crash.
 */
@Injectable()
export class DeliveryLog {
  constructor(private readonly prisma: PrismaService) {}

  /** Records new requests, due now; a request seen before is not recorded twice. One statement per batch. */
  async open(requests: DeliveryRequest[]): Promise<number> {
    if (requests.length === 0) return 0;
    const now = new Date();
    const { count } = await this.prisma.delivery.createMany({
      skipDuplicates: true,
      data: requests.map((r) => ({
        id: r.deliveryId,
        tenantId: r.tenantId,
        subscriptionId: r.subscriptionId,
        eventId: r.eventId,
        trigger: r.trigger,
        callbackUrl: r.callbackUrl,
        payload: r.payload,
        body: JSON.stringify(r.payload),
        nextAttemptAt: now,
      })),
    });
    return count;
  }

  /** Records deliveries Tripline makes on its own account (the validation handshake). */
  async openRaw(deliveries: Array<{ id: string; tenantId: string; subscriptionId: string; eventId: string; trigger: string; callbackUrl: string; payload: object }>): Promise<number> {
    const now = new Date();
    const { count } = await this.prisma.delivery.createMany({
      skipDuplicates: true,
      data: deliveries.map((d) => ({ ...d, body: JSON.stringify(d.payload), nextAttemptAt: now })),
    });
    return count;
  }

  async claimDue(limit: number, leaseMs: number, skipEndpoints: string[]): Promise<ClaimedDelivery[]> {
    if (limit <= 0) return [];
    const rows = await this.prisma.$queryRaw<ClaimRow[]>`
      UPDATE deliveries SET locked_until = now() + ${leaseMs} * interval '1 millisecond'
      WHERE id IN (
        SELECT id FROM deliveries
        WHERE status = 'pending' AND next_attempt_at <= now()
          AND (locked_until IS NULL OR locked_until < now())
          AND NOT (subscription_id = ANY(${skipEndpoints}::uuid[]))
        ORDER BY next_attempt_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      RETURNING id, trigger, created_at, tenant_id, subscription_id, callback_url, body, payload, attempt_count`;
    return rows.map((r) => ({
      id: r.id,
      trigger: r.trigger,
      createdAt: r.created_at,
      tenantId: r.tenant_id,
      subscriptionId: r.subscription_id,
      callbackUrl: r.callback_url,
      body: r.body ?? JSON.stringify(r.payload),
      attemptCount: r.attempt_count,
    }));
  }

  /** Gives a claimed delivery back without an attempt (its endpoint is busy, or not known yet). */
  async postpone(id: string, delayMs: number): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE deliveries SET locked_until = NULL, next_attempt_at = now() + ${delayMs} * interval '1 millisecond' WHERE id = ${id}::uuid`;
  }

  /** Ends a claimed delivery without an attempt (its subscription is gone or disabled). */
  async finishWithoutAttempt(id: string, status: FinalStatus, reason: string): Promise<void> {
    await this.prisma.delivery.update({
      where: { id },
      data: { status, lastError: reason, lockedUntil: null, nextAttemptAt: null, completedAt: new Date(), outcomePending: true },
    });
  }

  /**
   * The endpoint's row is written only when its health changes (it started failing, recovered,
   * or is disabled): concurrent attempts to one endpoint would otherwise queue on its row lock.
   * The attempt itself is recorded by the AttemptRecorder, in batches.
   */
  async recordHealth(r: AttemptRecord): Promise<void> {
    if (r.healthChange === 'recovered') {
      await this.prisma.dispatchEndpoint.updateMany({ where: { subscriptionId: r.delivery.subscriptionId }, data: { failingSince: null, lastSuccessAt: new Date() } });
    } else if (r.healthChange === 'failing' || r.healthChange === 'disabled') {
      await this.prisma.$executeRaw`
        UPDATE dispatch_endpoints SET failing_since = COALESCE(failing_since, ${r.startedAt}),
          status = CASE WHEN ${r.healthChange === 'disabled'} THEN 'disabled' ELSE status END
        WHERE subscription_id = ${r.delivery.subscriptionId}::uuid`;
    }
  }

  /** Final outcomes not yet published (the outbox), oldest first. */
  async pendingOutcomes(limit: number): Promise<DeliveryOutcome[]> {
    const rows = await this.prisma.delivery.findMany({
      where: { outcomePending: true },
      orderBy: { completedAt: 'asc' },
      take: limit,
    });
    return rows.map((row) => ({
      deliveryId: row.id,
      tenantId: row.tenantId,
      subscriptionId: row.subscriptionId,
      result: row.status as DeliveryOutcome['result'],
      attempts: row.attemptCount,
      lastStatusCode: row.lastStatusCode,
      lastError: row.lastError,
      endpointDisabledReason: row.disabledReason,
      completedAt: (row.completedAt ?? new Date()).toISOString(),
    }));
  }

  async outcomesPublished(ids: string[]): Promise<void> {
    await this.prisma.delivery.updateMany({ where: { id: { in: ids } }, data: { outcomePending: false } });
  }
}
