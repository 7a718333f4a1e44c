import { Injectable } from '@nestjs/common';
import type { DeliveryOutcome } from '@tripline/contracts';
import { PrismaService } from '@tripline/db';
import type { CallbackAttempt } from '../callbacks/callback-sender';
import { DatabaseError } from 'pg';
import { DispatchEndpoints, ENDPOINT_COLUMNS, type Endpoint, type EndpointRow } from '../endpoints/dispatch-endpoints';
import { DeliveryPartitions } from './delivery-partitions';

export type FinalStatus = 'delivered' | 'failed' | 'gone' | 'cancelled' | 'validated';

/**
 * Whether a delivery ending so goes to the outcomes topic (the outbox): the registry acts on
 * failed, gone, cancelled and validated; a delivered callback changes nothing downstream.
 */
export function publishesOutcome(status: FinalStatus | null): boolean {
  return status !== null && status !== 'delivered';
}

/**
 * A delivery to record: a delivery request off Kafka, or one Tripline makes itself (the
 * validation handshake). It names no URL: it goes to its subscription's endpoint, as the
 * dispatcher knows it from the registry.
 */
export interface NewDelivery {
  id: string;
  tenantId: string;
  subscriptionId: string;
  eventId: string;
  trigger: string;
  /** The callback's JSON body, as it is sent and stored. */
  body: string;
  /** The W3C traceparent of the request (see `deliveries.traceparent`); null or absent when untraced. */
  traceparent?: string | null;
}

/**
 * What finds a delivery's row: its id, and the UTC day of the partition that holds it
 * (`log_day`, as 'YYYY-MM-DD'). Statements name the day so that Postgres looks in that
 * day's partition only, not in every day's.
 */
export interface DeliveryKey {
  id: string;
  logDay: string;
}

/** `id = ANY($n) AND log_day = ANY($n+1)`'s two arrays: the ids, and their few distinct days. */
export function keyArrays(keys: readonly DeliveryKey[]): [string[], string[]] {
  return [keys.map((k) => k.id), [...new Set(keys.map((k) => k.logDay))]];
}

export interface ClaimedDelivery extends DeliveryKey {
  trigger: string;
  /** Both by the database's clock: instances whose clocks disagree still agree on ages. */
  createdAt: Date;
  claimedAt: Date;
  tenantId: string;
  subscriptionId: string;
  body: string;
  attemptCount: number;
  /** Its attempts' spans are children of this trace context (null: untraced). */
  traceparent: string | null;
  /** The dispatcher's endpoint of its subscription; null while its subscription change is not in yet. */
  endpoint: Endpoint | null;
}

/** What a claim of due deliveries leaves alone, so that it takes only what can start now. */
export interface ClaimRoom {
  /** Endpoints with no free slot. */
  endpoints: string[];
  /** Tenants with no free slot. */
  tenants: string[];
  /** Tenants with some slots taken: at most `free` of theirs. */
  partlyUsedTenants: Array<{ tenantId: string; free: number }>;
  /** At most this many of any other tenant. */
  tenantCap: number;
}

/**
 * The attempt's consequence for the delivery and its endpoint, written in one statement (the
 * AttemptRecorder's). The endpoint's row is written only when its health changes (it started
 * failing, recovered, or is disabled): concurrent attempts to one endpoint would otherwise queue
 * on its row lock.
 */
export interface AttemptRecord {
  delivery: ClaimedDelivery;
  attemptNumber: number;
  /**
   * When the attempt began, by this process's monotonic clock (performance.now()): the row's
   * started_at is the database's now() less the time since, so instances with skewed clocks agree.
   */
  startedAt: number;
  result: CallbackAttempt;
  /** null: final; a number: the next attempt in that many ms. */
  retryInMs: number | null;
  finalStatus: FinalStatus | null;
  /** How the endpoint's health changes, if it does. */
  healthChange: 'recovered' | 'failing' | 'disabled' | null;
  /** Set when this failure disables the endpoint. */
  disableReason: string | null;
  /**
   * Set when the delivery has no row yet (a first attempt made before it was recorded, see
   * FirstAttempt): the row is written with the attempt's consequence. `admittedAt`: when the
   * request was admitted, by this process's monotonic clock (the row's created_at).
   */
  opening?: { eventId: string; admittedAt: number };
}

type ClaimRow = EndpointRow & {
  id: string;
  log_day: string;
  trigger: string;
  created_at: Date;
  claimed_at: Date;
  tenant_id: string;
  subscription_id: string;
  body: string;
  attempt_count: number;
  traceparent: string | null;
  /** How many due deliveries the claim looked at (before keeping each tenant to its room). */
  seen: number;
};

type OpenedRow = EndpointRow & { id: string; log_day: string; created_at: Date; claimed_at: Date; claimed: boolean };

/** The delivery columns a claim returns, and its endpoint's. */
const CLAIM_COLUMNS = `
  c.id, c.log_day::text AS log_day, c.trigger, c.created_at, now() AS claimed_at, c.tenant_id, c.subscription_id, c.body, c.attempt_count, c.traceparent, c.seen, ${ENDPOINT_COLUMNS}`;

/**
 * The dispatcher's record of every delivery and every attempt, and the durable schedule of
 * what is due. Deliveries are claimed with a lease (locked_until, taken FOR UPDATE SKIP
 * LOCKED): several instances share the work, and a delivery whose instance died is due again
 * once the lease ends, so no scheduled retry is lost to a crash.
 *
 * The statements here run once per batch or per attempt at full load, so they go straight to
 * node-postgres as named (prepared) statements rather than through Prisma: see PrismaService.
 */
@Injectable()
export class DeliveryLog {
  constructor(
    private readonly prisma: PrismaService,
    private readonly endpoints: DispatchEndpoints,
    private readonly partitions: DeliveryPartitions,
  ) {}

  /**
   * Records new deliveries, due now, in one statement; one seen before is not recorded twice
   * (within a day at least: a row is unique per day's partition, and the day before is looked
   * at as well).
   * Those in `claim` are recorded already claimed (leased) by this instance, for their first
   * attempt to start straight away: no claim round trip, no wait for the scheduler to wake.
   * Returns how many were new, and the claimed new ones with their endpoints.
   */
  async open(deliveries: NewDelivery[], claim: ReadonlySet<string> = new Set(), leaseMs = 0): Promise<{ inserted: number; claimed: ClaimedDelivery[] }> {
    if (deliveries.length === 0) return { inserted: 0, claimed: [] };
    const byId = new Map(deliveries.map((d) => [d.id, d]));
    const unique = [...byId.values()];
    const col = <T>(f: (d: (typeof unique)[number]) => T) => unique.map(f);
    // The new rows' own columns are not read back: the caller has them, bodies included.
    const { rows } = await this.withTodaysPartition(() => this.prisma.pool.query<OpenedRow>({
      name: 'deliveries.open',
      text: `
        WITH inserted AS (
          INSERT INTO deliveries (id, tenant_id, subscription_id, event_id, trigger, body, next_attempt_at, locked_until, traceparent)
          SELECT id, tenant_id, subscription_id, event_id, trigger, body, now(),
            CASE WHEN claim THEN now() + $8::int * interval '1 millisecond' END, traceparent
          FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::boolean[], $9::text[])
            AS t(id, tenant_id, subscription_id, event_id, trigger, body, claim, traceparent)
          -- log_day defaults to today (UTC): a conflict finds a request recorded today, this
          -- finds one recorded yesterday (a redelivery across midnight).
          WHERE NOT EXISTS (SELECT 1 FROM deliveries y WHERE y.id = t.id AND y.log_day = (now() AT TIME ZONE 'UTC')::date - 1)
          ON CONFLICT (id, log_day) DO NOTHING
          RETURNING id, log_day, subscription_id, created_at, locked_until IS NOT NULL AS claimed
        )
        SELECT c.id, c.log_day::text AS log_day, c.subscription_id, c.created_at, now() AS claimed_at, c.claimed, ${ENDPOINT_COLUMNS}
        FROM inserted c LEFT JOIN dispatch_endpoints e ON c.claimed AND e.subscription_id = c.subscription_id`,
      values: [
        col((d) => d.id),
        col((d) => d.tenantId),
        col((d) => d.subscriptionId),
        col((d) => d.eventId),
        col((d) => d.trigger),
        col((d) => d.body),
        col((d) => claim.has(d.id)),
        leaseMs,
        col((d) => d.traceparent ?? null),
      ],
    }));
    const claimedRows = rows.filter((r) => r.claimed);
    const endpoints = this.endpoints.of(claimedRows);
    const claimed = claimedRows.map((r): ClaimedDelivery => {
      const { tenantId, subscriptionId, trigger, body, traceparent } = byId.get(r.id)!;
      return {
        id: r.id,
        logDay: r.log_day,
        trigger,
        createdAt: r.created_at,
        claimedAt: r.claimed_at,
        tenantId,
        subscriptionId,
        body,
        attemptCount: 0,
        traceparent: traceparent ?? null,
        endpoint: endpoints.get(subscriptionId) ?? null,
      };
    });
    return { inserted: rows.length, claimed };
  }

  /**
   * What a first attempt made before its delivery is recorded needs, read in one statement and
   * written nowhere: which of these requests are recorded already (today or yesterday, as `open`
   * looks), the endpoints of their subscriptions, and the database's now and UTC day.
   */
  async lookUp(deliveries: readonly NewDelivery[]): Promise<{ known: Set<string>; endpoints: Map<string, Endpoint>; now: Date; logDay: string }> {
    const { rows } = await this.prisma.pool.query<EndpointRow & { known: string[]; now: Date; log_day: string }>({
      name: 'deliveries.lookUp',
      text: `
        WITH known AS MATERIALIZED (
          SELECT ARRAY(
            SELECT d.id FROM deliveries d
            WHERE d.id = ANY($1::uuid[]) AND d.log_day = ANY(ARRAY[(now() AT TIME ZONE 'UTC')::date, (now() AT TIME ZONE 'UTC')::date - 1])
          ) AS ids
        )
        SELECT s.subscription_id, now() AS now, ((now() AT TIME ZONE 'UTC')::date)::text AS log_day, known.ids AS known, ${ENDPOINT_COLUMNS}
        FROM known CROSS JOIN unnest($2::uuid[]) AS s(subscription_id) LEFT JOIN dispatch_endpoints e ON e.subscription_id = s.subscription_id`,
      values: [deliveries.map((d) => d.id), [...new Set(deliveries.map((d) => d.subscriptionId))]],
    });
    return { known: new Set(rows[0]?.known ?? []), endpoints: this.endpoints.of(rows), now: rows[0]?.now ?? new Date(), logDay: rows[0]?.log_day ?? '' };
  }

  /**
   * Runs an insert of today's deliveries; should today's partition be missing (the retention
   * job, which keeps a week ahead, has not run for a week, or the clock jumped), creates it and
   * runs it again. A request must never be judged bad for want of a partition: the error would
   * dead-letter it.
   */
  private async withTodaysPartition<T>(insert: () => Promise<T>): Promise<T> {
    try {
      return await insert();
    } catch (error) {
      if (!isMissingPartition(error)) throw error;
      const { rows } = await this.prisma.pool.query<{ day: string }>(`SELECT ((now() AT TIME ZONE 'UTC')::date)::text AS day`);
      await this.partitions.ensure(rows[0].day, rows[0].day, 5_000);
      return insert();
    }
  }

  /**
   * Claims up to `limit` due deliveries, oldest first, each with its endpoint; none of an
   * endpoint or tenant without a free slot, and no more of one tenant than it has room for
   * (`room`). `more`: due deliveries may be left that a claim right away would take (the
   * limit was reached, or a tenant's share was cut).
   */
  async claimDue(limit: number, leaseMs: number, room: ClaimRoom): Promise<{ claimed: ClaimedDelivery[]; more: boolean }> {
    if (limit <= 0) return { claimed: [], more: false };
    const { rows } = await this.prisma.pool.query<ClaimRow>({
      name: 'deliveries.claimDue',
      text: `
        WITH due AS (
          SELECT id, log_day, tenant_id, next_attempt_at FROM deliveries
          WHERE status = 'pending' AND next_attempt_at <= now()
            AND (locked_until IS NULL OR locked_until < now())
            AND NOT (subscription_id = ANY($3::uuid[]))
            AND NOT (tenant_id = ANY($4::uuid[]))
          ORDER BY next_attempt_at
          LIMIT $1
          FOR UPDATE SKIP LOCKED
        ),
        ranked AS (
          SELECT id, log_day, tenant_id, row_number() OVER (PARTITION BY tenant_id ORDER BY next_attempt_at) AS n, count(*) OVER () AS seen FROM due
        ),
        fair AS (
          SELECT r.id, r.log_day, r.seen FROM ranked r
          LEFT JOIN unnest($5::uuid[], $6::int[]) AS room(tenant_id, free) ON room.tenant_id = r.tenant_id
          WHERE r.n <= COALESCE(room.free, $7)
        ),
        claimed AS (
          UPDATE deliveries d SET locked_until = now() + $2::int * interval '1 millisecond'
          FROM fair WHERE d.id = fair.id AND d.log_day = fair.log_day
          RETURNING d.id, d.log_day, d.trigger, d.created_at, d.tenant_id, d.subscription_id, d.body, d.attempt_count, d.traceparent, fair.seen::int AS seen
        )
        SELECT ${CLAIM_COLUMNS} FROM claimed c LEFT JOIN dispatch_endpoints e ON e.subscription_id = c.subscription_id`,
      values: [
        limit,
        leaseMs,
        room.endpoints,
        room.tenants,
        room.partlyUsedTenants.map((t) => t.tenantId),
        room.partlyUsedTenants.map((t) => t.free),
        room.tenantCap,
      ],
    });
    const seen = rows[0]?.seen ?? 0;
    return { claimed: toClaimed(rows, this.endpoints.of(rows)), more: seen === limit || seen > rows.length };
  }

  /** Gives claimed deliveries back without an attempt (their endpoint is busy, or not known yet). */
  async postpone(keys: DeliveryKey[], delayMs: number): Promise<void> {
    if (keys.length === 0) return;
    await this.prisma.pool.query({
      name: 'deliveries.postpone',
      text: `UPDATE deliveries SET locked_until = NULL, next_attempt_at = now() + $3::int * interval '1 millisecond' WHERE id = ANY($1::uuid[]) AND log_day = ANY($2::date[])`,
      values: [...keyArrays(keys), delayMs],
    });
  }

  /**
   * Ends claimed deliveries without an attempt (their subscription is gone or disabled, or the
   * request was refused). `publish`: whether the outcome goes to the registry (the outbox).
   */
  async finishWithoutAttempt(keys: DeliveryKey[], status: FinalStatus, reason: string, publish = true): Promise<void> {
    if (keys.length === 0) return;
    await this.prisma.pool.query({
      name: 'deliveries.finishWithoutAttempt',
      text: `UPDATE deliveries SET status = $3, last_error = $4, locked_until = NULL, next_attempt_at = NULL, completed_at = now(), outcome_pending = $5
        WHERE id = ANY($1::uuid[]) AND log_day = ANY($2::date[])`,
      values: [...keyArrays(keys), status, reason, publish],
    });
  }

  /** Final outcomes not yet published (the outbox), oldest first, with their rows' keys. */
  async pendingOutcomes(limit: number): Promise<Array<{ outcome: DeliveryOutcome; key: DeliveryKey }>> {
    const { rows } = await this.prisma.pool.query<{
      id: string;
      log_day: string;
      tenant_id: string;
      subscription_id: string;
      status: DeliveryOutcome['result'];
      attempt_count: number;
      last_status_code: number | null;
      last_error: string | null;
      disabled_reason: string | null;
      failing_since: Date | null;
      completed_at: Date | null;
    }>({
      name: 'deliveries.pendingOutcomes',
      // The endpoint's failing_since is still set when this outcome disabled it (only a
      // success or a re-enabling clears it): the notice of the disabling says since when.
      text: `
        SELECT d.id, d.log_day::text AS log_day, d.tenant_id, d.subscription_id, d.status, d.attempt_count, d.last_status_code, d.last_error, d.disabled_reason, d.completed_at,
          CASE WHEN d.disabled_reason IS NOT NULL THEN e.failing_since END AS failing_since
        FROM deliveries d LEFT JOIN dispatch_endpoints e ON e.subscription_id = d.subscription_id
        WHERE d.outcome_pending ORDER BY d.completed_at LIMIT $1`,
      values: [limit],
    });
    return rows.map((row) => ({
      key: { id: row.id, logDay: row.log_day },
      outcome: {
        deliveryId: row.id,
        tenantId: row.tenant_id,
        subscriptionId: row.subscription_id,
        result: row.status,
        attempts: row.attempt_count,
        lastStatusCode: row.last_status_code,
        lastError: row.last_error,
        endpointDisabledReason: row.disabled_reason,
        endpointFailingSince: row.failing_since?.toISOString() ?? null,
        completedAt: (row.completed_at ?? new Date()).toISOString(),
      },
    }));
  }

  async outcomesPublished(keys: DeliveryKey[]): Promise<void> {
    await this.prisma.pool.query({
      name: 'deliveries.outcomesPublished',
      text: `UPDATE deliveries SET outcome_pending = false WHERE id = ANY($1::uuid[]) AND log_day = ANY($2::date[])`,
      values: keyArrays(keys),
    });
  }
}

/** 23514 with this message: a row whose partition key no partition takes (not a CHECK constraint). */
const isMissingPartition = (error: unknown) =>
  error instanceof DatabaseError && error.code === '23514' && error.message.startsWith('no partition of relation');

function toClaimed(rows: ClaimRow[], endpoints: Map<string, Endpoint>): ClaimedDelivery[] {
  return rows.map((r) => ({
    id: r.id,
    logDay: r.log_day,
    trigger: r.trigger,
    createdAt: r.created_at,
    claimedAt: r.claimed_at,
    tenantId: r.tenant_id,
    subscriptionId: r.subscription_id,
    body: r.body,
    attemptCount: r.attempt_count,
    traceparent: r.traceparent,
    endpoint: endpoints.get(r.subscription_id) ?? null,
  }));
}
