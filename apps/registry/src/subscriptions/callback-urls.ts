import { Inject, Injectable } from '@nestjs/common';
import { redactUrl, SecretBox } from '@tripline/secrets';
import { REGISTRY_ENV, type RegistryEnv } from '../registry.env';

/** A callback URL as the registry keeps it: sealed, and redacted for showing. */
export interface KeptCallbackUrl {
  sealedCallbackUrl: string;
  redactedCallbackUrl: string;
}

/**
 * Seals and opens callback URLs (TRIPLINE_SECRETS_KEY). The plain URL lives only in memory,
 * for as long as a subscribe request takes: to derive the subscription's id and to redact it.
 */
@Injectable()
export class CallbackUrls {
  private readonly box: SecretBox;

  constructor(@Inject(REGISTRY_ENV) env: RegistryEnv) {
    this.box = new SecretBox(env.TRIPLINE_SECRETS_KEY);
  }

  keep(url: string): KeptCallbackUrl {
    return { sealedCallbackUrl: this.box.seal(url), redactedCallbackUrl: redactUrl(url) };
  }

  /** The plain URL, or null when it was not sealed with this key (or was tampered with). */
  open(sealed: string): string | null {
    try {
      return this.box.open(sealed);
    } catch {
      return null;
    }
  }
}
