import type { Subscription, TriggerName } from '@tripline/contracts';
import { newSigningSecret, redactUrl, SecretBox } from '@tripline/secrets';
import { randomUUID } from 'node:crypto';
import { TEST_SECRETS_KEY } from './test-infra';

export interface SubscriptionFixture {
  subscription: Subscription;
  /** The plain signing secrets, newest first, for verifying signatures in tests. */
  secrets: string[];
}

/** A subscription as the registry would publish it, with its callback URL and signing secrets really sealed. */
export function subscriptionFixture(
  tenantId: string,
  defaultCallbackUrl: string,
  overrides: Partial<Subscription> & { trigger?: TriggerName; secretCount?: number; callbackUrl?: string } = {},
): SubscriptionFixture {
  const box = new SecretBox(TEST_SECRETS_KEY);
  const { secretCount = 1, callbackUrl = defaultCallbackUrl, ...rest } = overrides;
  const secrets = Array.from({ length: secretCount }, () => newSigningSecret());
  const expiry = new Date(Date.now() + 3_600_000).toISOString();
  return {
    secrets,
    subscription: {
      id: randomUUID(),
      tenantId,
      trigger: 'data-source-refresh-failed',
      sealedCallbackUrl: box.seal(callbackUrl),
      redactedCallbackUrl: redactUrl(callbackUrl),
      params: {},
      status: 'active',
      disabledReason: null,
      secrets: secrets.map((s, i) => ({ ciphertext: box.seal(s), expiresAt: i === 0 ? null : expiry })),
      handshake: false,
      version: 1,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      ...rest,
    },
  };
}
