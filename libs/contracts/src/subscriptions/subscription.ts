import { z } from 'zod';
import { IsoDateTime, singleLine, TenantId } from '../common';
import { TriggerName } from './triggers';

export const CallbackUrl = singleLine(z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).max(2048));

/**
 * A callback URL sealed with TRIPLINE_SECRETS_KEY (AES-256-GCM, libs/secrets): Power Automate's
 * callback URLs carry the token (`sig=`) that starts the flow, so they are kept and sent like
 * the signing secrets, never in the clear. Opened only by the registry and the dispatcher.
 */
export const SealedCallbackUrl = z.string().regex(/^v1\.[\w-]+\.[\w-]+\.[\w-]*$/, 'must be a sealed value (v1.<iv>.<tag>.<ciphertext>)').max(16_384);

/** A callback URL as it may be shown and logged: every query value, user info and fragment REDACTED. */
export const RedactedCallbackUrl = singleLine(z.string().min(1).max(16_384));

/** pending_validation: waiting for the callback to answer the validation handshake. */
export const SubscriptionStatus = z.enum(['active', 'pending_validation', 'disabled', 'deleted']);
export type SubscriptionStatus = z.infer<typeof SubscriptionStatus>;

export const TriggerParamValues = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

/** A signing secret, sealed (AES-256-GCM); `expiresAt` is set once a rotation replaced it. */
export const SealedSecret = z.object({ ciphertext: z.string(), expiresAt: IsoDateTime.nullable() });
export type SealedSecret = z.infer<typeof SealedSecret>;

export const Subscription = z.object({
  id: z.uuid(),
  tenantId: TenantId,
  trigger: TriggerName,
  sealedCallbackUrl: SealedCallbackUrl,
  redactedCallbackUrl: RedactedCallbackUrl,
  params: TriggerParamValues,
  status: SubscriptionStatus,
  disabledReason: z.string().nullable(),
  /**
   * Newest first. Only sealed secrets ever leave the registry. Defaults keep changes published
   * before these fields existed readable on the compacted topic.
   */
  secrets: z.array(SealedSecret).default([]),
  /** Whether the callback must answer a validation handshake before events are sent. */
  handshake: z.boolean().default(false),
  /** Grows with every change, so consumers can ignore a change older than what they hold. */
  version: z.number().int().positive(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Subscription = z.infer<typeof Subscription>;

/** The subscription changes topic: the latest state of one subscription (compacted by id). */
export const SubscriptionChanged = z.object({
  /**
   * callback-sealed: republished once with its callback URL sealed (upgrading from plaintext URLs).
   * callback-changed: an operations webhook set to another URL (the only subscription whose URL changes).
   */
  change: z.enum(['created', 'reactivated', 'deleted', 'disabled', 'enabled', 'secret-rotated', 'validated', 'callback-sealed', 'callback-changed']),
  subscription: Subscription,
});
export type SubscriptionChanged = z.infer<typeof SubscriptionChanged>;

/**
 * The newest state of each subscription in a batch of changes: a consumer applies one row per
 * subscription per statement (Postgres refuses to upsert a row twice), and the newest wins.
 */
export function newestPerSubscription(subscriptions: readonly Subscription[]): Subscription[] {
  const newest = new Map<string, Subscription>();
  for (const s of subscriptions) {
    const seen = newest.get(s.id);
    if (!seen || seen.version < s.version) newest.set(s.id, s);
  }
  return [...newest.values()];
}
