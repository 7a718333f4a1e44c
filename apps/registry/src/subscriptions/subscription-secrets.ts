import { Inject, Injectable } from '@nestjs/common';
import type { SealedSecret } from '@tripline/contracts';
import { activeSecrets, newSigningSecret, SecretBox } from '@tripline/secrets';
import { REGISTRY_ENV, type RegistryEnv } from '../registry.env';

/** Issues and rotates subscriptions' signing secrets; only sealed secrets leave this class. */
@Injectable()
export class SubscriptionSecrets {
  private readonly box: SecretBox;

  constructor(@Inject(REGISTRY_ENV) private readonly env: RegistryEnv) {
    this.box = new SecretBox(env.TRIPLINE_SECRETS_KEY);
  }

  issue(): SealedSecret[] {
    return [{ ciphertext: this.box.seal(newSigningSecret()), expiresAt: null }];
  }

  /**
   * A new current secret; the ones it replaces keep signing for the overlap (both signatures
   * are sent meanwhile), so receivers can switch without missing a callback.
   */
  rotate(secrets: SealedSecret[], now = new Date()): SealedSecret[] {
    const until = new Date(now.getTime() + this.env.TRIPLINE_SECRET_ROTATION_OVERLAP_S * 1000).toISOString();
    const previous = activeSecrets(secrets, now).map((s) => ({
      ciphertext: s.ciphertext,
      expiresAt: s.expiresAt !== null && s.expiresAt < until ? s.expiresAt : until,
    }));
    return [...this.issue(), ...previous];
  }
}
