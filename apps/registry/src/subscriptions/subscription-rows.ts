import { Injectable } from '@nestjs/common';
import { PrismaService, type SubscriptionModel } from '@tripline/db';

/** A new subscription's row, as subscribeMany makes it (the rest is the columns' defaults). */
export interface NewSubscriptionRow {
  id: string;
  tenantId: string;
  trigger: string;
  sealedCallbackUrl: string;
  redactedCallbackUrl: string;
  params: object;
  status: string;
  secrets: object[];
  handshake: boolean;
}

/** A subscriptions row as node-postgres returns it (jsonb parsed, timestamps as Dates). */
interface Row {
  id: string;
  tenant_id: string;
  trigger: string;
  sealed_callback_url: string;
  redacted_callback_url: string;
  params: SubscriptionModel['params'];
  status: string;
  disabled_reason: string | null;
  disabled_notice: SubscriptionModel['disabledNotice'];
  secrets: SubscriptionModel['secrets'];
  handshake: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, tenant_id, trigger, sealed_callback_url, redacted_callback_url, params, status, disabled_reason,
  disabled_notice, secrets, handshake, version, created_at, updated_at`;

/**
 * The three statements of a lot of subscribe calls, straight to node-postgres as named (prepared)
 * statements on Prisma's pool, not through Prisma: every lot has its own size, so Prisma wrote a
 * new statement text for each (an `IN` list and a `VALUES` list as long as the lot), compiled it
 * in its client, and wrapped the insert in a transaction of its own. In a profile of 2,000
 * subscribe calls that was a quarter of the registry's CPU, and two of every five statements
 * were that BEGIN and COMMIT.
 */
@Injectable()
export class SubscriptionRows {
  constructor(private readonly prisma: PrismaService) {}

  async byIds(ids: readonly string[]): Promise<SubscriptionModel[]> {
    const { rows } = await this.prisma.pool.query<Row>({
      name: 'subscriptions.byIds',
      text: `SELECT ${COLUMNS} FROM subscriptions WHERE id = ANY($1::uuid[])`,
      values: [ids],
    });
    return rows.map(toModel);
  }

  /**
   * The tenant's subscriptions that are not deleted: one row read, whatever their number
   * (tenant_subscription_counts, kept by triggers on subscriptions). Counting the rows instead
   * grew with the tenant: at 10,000 it was most of the Postgres time of a subscribe call.
   */
  async countLive(tenantId: string): Promise<number> {
    const { rows } = await this.prisma.pool.query<{ live: number }>({
      name: 'subscriptions.countLive',
      text: `SELECT live FROM tenant_subscription_counts WHERE tenant_id = $1::uuid`,
      values: [tenantId],
    });
    return rows[0]?.live ?? 0;
  }

  /** Inserts the rows in one statement (no transaction needed: one statement is atomic) and returns them as stored. */
  async insert(rows: readonly NewSubscriptionRow[]): Promise<SubscriptionModel[]> {
    if (rows.length === 0) return [];
    const col = <T>(f: (r: NewSubscriptionRow) => T) => rows.map(f);
    const { rows: stored } = await this.prisma.pool.query<Row>({
      name: 'subscriptions.insert',
      // jsonb goes as text and is cast here: node-postgres would write an array of objects as a
      // Postgres array literal of their JSON, escaped once more.
      text: `
        INSERT INTO subscriptions (id, tenant_id, trigger, sealed_callback_url, redacted_callback_url, params, status, secrets, handshake)
        SELECT id, tenant_id, trigger, sealed_callback_url, redacted_callback_url, params::jsonb, status, secrets::jsonb, handshake
        FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::boolean[])
          AS t(id, tenant_id, trigger, sealed_callback_url, redacted_callback_url, params, status, secrets, handshake)
        RETURNING ${COLUMNS}`,
      values: [
        col((r) => r.id),
        col((r) => r.tenantId),
        col((r) => r.trigger),
        col((r) => r.sealedCallbackUrl),
        col((r) => r.redactedCallbackUrl),
        col((r) => JSON.stringify(r.params)),
        col((r) => r.status),
        col((r) => JSON.stringify(r.secrets)),
        col((r) => r.handshake),
      ],
    });
    return stored.map(toModel);
  }
}

function toModel(row: Row): SubscriptionModel {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    trigger: row.trigger,
    sealedCallbackUrl: row.sealed_callback_url,
    redactedCallbackUrl: row.redacted_callback_url,
    params: row.params,
    status: row.status,
    disabledReason: row.disabled_reason,
    disabledNotice: row.disabled_notice,
    secrets: row.secrets,
    handshake: row.handshake,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
