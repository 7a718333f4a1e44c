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
   * A new current secret; the one it replaces keeps signing for the overlap (both signatures
   * are sent meanwhile), so receivers can switch without missing a callback. Only that one: a
   * secret rotated out twice is done with, whatever its overlap said (rotating again is how a
   * leaked secret is revoked at once), and callbacks carry at most two signatures.
   */
  rotate(secrets: SealedSecret[], now = new Date()): SealedSecret[] {
    const until = new Date(now.getTime() + this.env.TRIPLINE_SECRET_ROTATION_OVERLAP_S * 1000).toISOString();
    const [current] = activeSecrets(secrets, now);
    const previous = current ? [{ ciphertext: current.ciphertext, expiresAt: current.expiresAt !== null && current.expiresAt < until ? current.expiresAt : until }] : [];
    return [...this.issue(), ...previous];
  }
}
