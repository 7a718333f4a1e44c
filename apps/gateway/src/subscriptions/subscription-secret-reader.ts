import { Inject, Injectable } from '@nestjs/common';
import type { Subscription } from '@tripline/contracts';
import { SecretBox } from '@tripline/secrets';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';

/** Opens a subscription's current signing secret, to show it in the answer that issues it. */
@Injectable()
export class SubscriptionSecretReader {
  private readonly box: SecretBox;

  constructor(@Inject(GATEWAY_ENV) env: GatewayEnv) {
    this.box = new SecretBox(env.TRIPLINE_SECRETS_KEY);
  }

  current(subscription: Subscription): string {
    const [current] = subscription.secrets;
    if (!current) throw new Error(`subscription ${subscription.id} has no signing secret`);
    return this.box.open(current.ciphertext);
  }

  /** When the secrets a rotation replaced stop signing (null when there are none). */
  previousExpireAt(subscription: Subscription): string | null {
    return subscription.secrets.slice(1).reduce<string | null>((latest, s) => (s.expiresAt && (!latest || s.expiresAt > latest) ? s.expiresAt : latest), null);
  }
}
