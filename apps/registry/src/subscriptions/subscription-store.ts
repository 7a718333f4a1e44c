import { Inject, Injectable } from '@nestjs/common';
import {
  operationsWebhookId,
  SubscriptionDisabled,
  TriggerName,
  type ListPosition,
  type SealedSecret,
  type Subscription,
  type SubscriptionChanged,
  type SubscriptionStatus,
} from '@tripline/contracts';
import { PrismaService, type SubscriptionModel } from '@tripline/db';
import { REGISTRY_ENV, type RegistryEnv } from '../registry.env';
import { CallbackUrls } from './callback-urls';
import { subscriptionId } from './subscription-id';
import { SubscriptionRows, type NewSubscriptionRow } from './subscription-rows';
import { SubscriptionSecrets } from './subscription-secrets';

/** What narrows a list of subscriptions. */
export interface SubscriptionFilter {
  status?: Exclude<SubscriptionStatus, 'deleted'>;
  trigger?: TriggerName;
}

export interface Subscribed {
  subscription: Subscription;
  created: boolean;
}

/** A subscription moved into a state (deleted, disabled), and whether this call moved it or found it there. */
export interface Settled {
  subscription: Subscription;
  changedNow: boolean;
}

/** A subscription disabled, with the notice of that disabling: written now, or kept from when it was (null for one disabled before notices were kept). */
export interface Disabled extends Settled {
  notice: SubscriptionDisabled | null;
}

/** Thrown when a subscribe would take a tenant past REGISTRY_MAX_SUBSCRIPTIONS_PER_TENANT. */
export class SubscriptionLimitReached extends Error {
  constructor(readonly limit: number) {
    super(`the tenant already has ${limit} subscriptions, the most allowed (REGISTRY_MAX_SUBSCRIPTIONS_PER_TENANT); delete one first`);
    this.name = 'SubscriptionLimitReached';
  }
}

type Params = Record<string, string | number | boolean>;

export interface SubscribeRequest {
  tenantId: string;
  trigger: TriggerName;
  /** The plain URL (see subscribeMany). */
  callbackUrl: string;
  params: Params;
  handshake: boolean;
}

/**
 * The registry's table of subscriptions. Every query takes the tenant id, so no path through
 * here can read or change another tenant's subscription. Deletes are soft: the row keeps its
 * version, so a later re-subscribe gets a higher version than anything consumers have seen.
 */
@Injectable()
export class SubscriptionStore {
  constructor(
    private readonly prisma: PrismaService,
    private readonly secrets: SubscriptionSecrets,
    private readonly callbackUrls: CallbackUrls,
    private readonly rows: SubscriptionRows,
    @Inject(REGISTRY_ENV) private readonly env: RegistryEnv,
  ) {}

  /**
   * Subscribes each, in order, with the same outcome as one at a time. `callbackUrl` is the plain
   * URL: the id is derived from it (so subscribing again lands on the same subscription), and only
   * its sealed and redacted forms are stored. A lot costs one read of the rows it names, one count
   * per tenant that gets a new one, and one insert of the new rows (SubscriptionRows), not three
   * statements per call (a tenant saving many flows, or the bench's 10,000); one made again (after
   * a delete, or while disabled) is a rare update of its own, in its turn.
   *
   * The limit is counted, then the rows written, without a lock: one tenant's requests are
   * handled one at a time (its requests share a partition), so no other subscribe of the same
   * tenant can come in between.
   */
  async subscribeMany(requests: SubscribeRequest[]): Promise<Array<Subscribed | SubscriptionLimitReached>> {
    const ids = requests.map((r) => subscriptionId(r.tenantId, r.trigger, r.callbackUrl, r.params));
    const rows = new Map((await this.rows.byIds([...new Set(ids)])).map((row) => [row.id, row]));
    const limit = this.env.REGISTRY_MAX_SUBSCRIPTIONS_PER_TENANT;
    // Per tenant, what counts toward its limit at this point of the lot (counted when first needed).
    const counts = new Map<string, number>();
    const takeRoom = async (tenantId: string): Promise<boolean> => {
      const count = counts.get(tenantId) ?? (await this.countTowardLimit(tenantId));
      counts.set(tenantId, Math.min(count + 1, limit));
      return count < limit;
    };
    const creates: NewSubscriptionRow[] = [];
    const created = new Set<string>();
    const outcomes: Array<{ id: string; created: boolean } | SubscriptionLimitReached> = [];
    for (const [i, request] of requests.entries()) {
      const id = ids[i];
      const existing = rows.get(id);
      if (created.has(id) || (existing && existing.status !== 'deleted' && existing.status !== 'disabled')) {
        outcomes.push({ id, created: false });
        continue;
      }
      // A disabled subscription still counts; a deleted one made again counts anew.
      if ((!existing || existing.status === 'deleted') && !(await takeRoom(request.tenantId))) {
        outcomes.push(new SubscriptionLimitReached(limit));
        continue;
      }
      const status = request.handshake ? 'pending_validation' : 'active';
      if (existing) {
        const row = await this.prisma.subscription.update({
          where: { id },
          data: {
            status,
            handshake: request.handshake,
            disabledReason: null,
            version: { increment: 1 },
            // Made again after a delete: whoever held the old secrets no longer should.
            ...(existing.status === 'deleted' ? { secrets: this.secrets.issue() as object[] } : {}),
          },
        });
        rows.set(id, row);
      } else {
        const { tenantId, trigger, callbackUrl, params, handshake } = request;
        creates.push({ id, tenantId, trigger, ...this.callbackUrls.keep(callbackUrl), params, handshake, status, secrets: this.secrets.issue() as object[] });
        created.add(id);
      }
      outcomes.push({ id, created: true });
    }
    for (const row of await this.rows.insert(creates)) rows.set(row.id, row);
    return outcomes.map((outcome) => (outcome instanceof SubscriptionLimitReached ? outcome : { subscription: toSubscription(rows.get(outcome.id)!), created: outcome.created }));
  }

  /**
   * The tenant's operations webhook at this URL: its subscription of trigger subscription-disabled
   * with the tenant's derived id, made, moved to the URL, or made active again. Its secrets are
   * kept while it exists (a receiver moved elsewhere still verifies with the secret it has); made
   * again after a delete, it gets new ones. It counts toward the tenant's subscriptions as any does.
   */
  async setOperationsWebhook(tenantId: string, callbackUrl: string): Promise<Subscribed & { change: SubscriptionChanged['change'] | null }> {
    const id = operationsWebhookId(tenantId);
    const kept = this.callbackUrls.keep(callbackUrl);
    const existing = await this.prisma.subscription.findUnique({ where: { id } });
    if (!existing) {
      await this.assertBelowLimit(tenantId);
      const row = await this.prisma.subscription.create({
        data: { id, tenantId, trigger: 'subscription-disabled', ...kept, params: {}, handshake: false, status: 'active', secrets: this.secrets.issue() as object[] },
      });
      return { subscription: toSubscription(row), created: true, change: 'created' };
    }
    const sameUrl = this.callbackUrls.open(existing.sealedCallbackUrl) === callbackUrl;
    if (sameUrl && existing.status === 'active') return { subscription: toSubscription(existing), created: false, change: null };
    if (existing.status === 'deleted') await this.assertBelowLimit(tenantId);
    const row = await this.prisma.subscription.update({
      where: { id },
      data: {
        ...(sameUrl ? {} : kept),
        status: 'active',
        disabledReason: null,
        version: { increment: 1 },
        ...(existing.status === 'deleted' ? { secrets: this.secrets.issue() as object[] } : {}),
      },
    });
    const change = existing.status === 'deleted' ? 'reactivated' : sameUrl ? 'enabled' : 'callback-changed';
    return { subscription: toSubscription(row), created: existing.status === 'deleted', change };
  }

  private async assertBelowLimit(tenantId: string): Promise<void> {
    const limit = this.env.REGISTRY_MAX_SUBSCRIPTIONS_PER_TENANT;
    if ((await this.countTowardLimit(tenantId)) >= limit) throw new SubscriptionLimitReached(limit);
  }

  /** The tenant's subscriptions that count toward its limit (those not deleted). */
  private countTowardLimit(tenantId: string): Promise<number> {
    return this.rows.countLive(tenantId);
  }

  /**
   * The subscription as deleted, or null when the tenant has none by this id. One already
   * deleted is returned too (`changedNow` false): the request may be a redelivery whose first
   * handling wrote the row but never published the change, and the caller publishes it again.
   */
  async unsubscribe(tenantId: string, id: string): Promise<Settled | null> {
    return this.settle(tenantId, id, (s) => (s.status === 'deleted' ? 'already' : { status: 'deleted', disabledReason: null }));
  }

  /**
   * As unsubscribe: one already disabled is returned as it is, with the notice kept from its
   * disabling, to be published again. A deleted one stays deleted: null. `noticeOf` writes the
   * notice of this disabling from the subscription as disabled (its new version names the
   * disabling); it is kept in the same row write, so a redelivery republishes it unchanged.
   */
  async disable(tenantId: string, id: string, reason: string, noticeOf: (disabled: Subscription) => SubscriptionDisabled): Promise<Disabled | null> {
    const current = await this.prisma.subscription.findFirst({ where: { id, tenantId } });
    if (!current || current.status === 'deleted') return null;
    if (current.status === 'disabled') {
      const kept = SubscriptionDisabled.safeParse(current.disabledNotice);
      return { subscription: toSubscription(current), changedNow: false, notice: kept.success ? kept.data : null };
    }
    const disabledAt = new Date();
    const data = { status: 'disabled', disabledReason: reason, version: current.version + 1, updatedAt: disabledAt };
    const notice = noticeOf(toSubscription({ ...current, ...data }));
    // Only from the version read: a change in between (an enable) fails this write, and the retry reads it afresh.
    const row = await this.prisma.subscription.update({ where: { id, version: current.version }, data: { ...data, disabledNotice: notice } });
    return { subscription: toSubscription(row), changedNow: true, notice };
  }

  /** Re-enables a disabled subscription (validating it again first if it asked for a handshake). */
  async enable(tenantId: string, id: string): Promise<Subscription | null> {
    return this.update(tenantId, id, (s) =>
      s.status !== 'disabled' ? undefined : { status: s.handshake ? 'pending_validation' : 'active', disabledReason: null },
    );
  }

  /** The callback answered the validation handshake: events may flow. */
  async validated(tenantId: string, id: string): Promise<Subscription | null> {
    return this.update(tenantId, id, (s) => (s.status === 'pending_validation' ? { status: 'active' } : undefined));
  }

  async rotateSecret(tenantId: string, id: string): Promise<Subscription | null> {
    return this.update(tenantId, id, (s) =>
      s.status === 'deleted' ? null : { secrets: this.secrets.rotate(s.secrets as unknown as SealedSecret[]) as object[] },
    );
  }

  async get(tenantId: string, id: string): Promise<Subscription | null> {
    const row = await this.prisma.subscription.findFirst({ where: { id, tenantId, status: { not: 'deleted' } } });
    return row ? toSubscription(row) : null;
  }

  /**
   * Up to `limit` of the tenant's subscriptions after `after`: the disabled ones first (they
   * need someone; a console shows them at the top however many there are), then the others,
   * each part in id order, both read through the (tenant, id) index.
   */
  async list(tenantId: string, limit: number, after?: ListPosition, filter: SubscriptionFilter = {}): Promise<{ subscriptions: Subscription[]; more: boolean }> {
    const rows: SubscriptionModel[] = [];
    for (const disabled of [true, false]) {
      if (disabled && after && !after.disabled) continue; // past the disabled part already
      if (filter.status && (filter.status === 'disabled') !== disabled) continue;
      const status = disabled ? 'disabled' : { notIn: ['deleted', 'disabled'] };
      const from = after?.disabled === disabled ? { id: { gt: after.id } } : {};
      rows.push(
        ...(await this.prisma.subscription.findMany({
          where: { tenantId, status: filter.status ?? status, trigger: filter.trigger, ...from },
          orderBy: { id: 'asc' },
          take: limit + 1 - rows.length,
        })),
      );
      if (rows.length > limit) break;
    }
    return { subscriptions: rows.slice(0, limit).map(toSubscription), more: rows.length > limit };
  }

  /**
   * Applies a change to one of the tenant's subscriptions, bumping its version. `change`
   * returns the fields to set; undefined: nothing to do, answer with it as it is; null: treat
   * it as absent.
   */
  private async update(
    tenantId: string,
    id: string,
    change: (current: SubscriptionModel) => Partial<Pick<SubscriptionModel, 'status' | 'disabledReason' | 'secrets'>> | null | undefined,
  ): Promise<Subscription | null> {
    const current = await this.prisma.subscription.findFirst({ where: { id, tenantId } });
    if (!current) return null;
    const data = change(current);
    if (data === null) return null;
    if (data === undefined) return current.status === 'deleted' ? null : toSubscription(current);
    const row = await this.prisma.subscription.update({
      where: { id },
      data: { ...(data as object), version: { increment: 1 } },
    });
    return toSubscription(row);
  }

  /** Moves a subscription into a state it never leaves by itself; `change` says 'already' when it is there. */
  private async settle(
    tenantId: string,
    id: string,
    change: (current: SubscriptionModel) => Pick<SubscriptionModel, 'status' | 'disabledReason'> | 'already' | null,
  ): Promise<Settled | null> {
    const current = await this.prisma.subscription.findFirst({ where: { id, tenantId } });
    if (!current) return null;
    const data = change(current);
    if (data === null) return null;
    if (data === 'already') return { subscription: toSubscription(current), changedNow: false };
    const row = await this.prisma.subscription.update({ where: { id }, data: { ...data, version: { increment: 1 } } });
    return { subscription: toSubscription(row), changedNow: true };
  }
}

export function toSubscription(row: SubscriptionModel): Subscription {
  return {
    id: row.id,
    tenantId: row.tenantId,
    trigger: TriggerName.parse(row.trigger),
    sealedCallbackUrl: row.sealedCallbackUrl,
    redactedCallbackUrl: row.redactedCallbackUrl,
    params: row.params as Params,
    status: row.status as Subscription['status'],
    disabledReason: row.disabledReason,
    secrets: row.secrets as unknown as SealedSecret[],
    handshake: row.handshake,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
