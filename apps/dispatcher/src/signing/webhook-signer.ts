import { Inject, Injectable } from '@nestjs/common';
import type { SealedSecret } from '@tripline/contracts';
import { activeSecrets, SecretBox } from '@tripline/secrets';
import { LRUCache } from 'lru-cache';
import { createHmac } from 'node:crypto';
import { DISPATCHER_ENV, type DispatcherEnv } from '../dispatcher.env';

/**
 * Standard Webhooks headers for one attempt: `webhook-id` (the delivery's id, the same on
 * every retry), `webhook-timestamp`, and `webhook-signature`: `v1,<base64 HMAC-SHA256 of
 * id.timestamp.body>` for every secret that still signs (two during a rotation's overlap),
 * computed over exactly the body bytes that are sent.
 *
 * Signed with node's native HMAC rather than the standardwebhooks package's pure-JS one (a
 * profile at saturation showed it, and the secret's decryption, on every attempt); the tests
 * verify these signatures with that package's verifier. Opened keys are kept in a bounded
 * cache, keyed by their sealed form, so a rotated secret is simply a new entry.
 */
@Injectable()
export class WebhookSigner {
  private readonly box: SecretBox;
  private readonly keys = new LRUCache<string, Buffer>({ max: 10_000 });

  constructor(@Inject(DISPATCHER_ENV) env: DispatcherEnv) {
    this.box = new SecretBox(env.TRIPLINE_SECRETS_KEY);
  }

  headers(deliveryId: string, body: string, secrets: readonly SealedSecret[], at = new Date()): Record<string, string> {
    const timestamp = String(Math.floor(at.getTime() / 1000));
    const headers: Record<string, string> = { 'webhook-id': deliveryId, 'webhook-timestamp': timestamp };
    const signed = `${deliveryId}.${timestamp}.${body}`;
    const signatures = activeSecrets(secrets, at).map((s) => `v1,${createHmac('sha256', this.key(s.ciphertext)).update(signed).digest('base64')}`);
    if (signatures.length > 0) headers['webhook-signature'] = signatures.join(' ');
    return headers;
  }

  /** The HMAC key of a `whsec_<base64>` secret: the bytes after the prefix. */
  private key(sealed: string): Buffer {
    let key = this.keys.get(sealed);
    if (!key) {
      key = Buffer.from(this.box.open(sealed).replace(/^whsec_/, ''), 'base64');
      this.keys.set(sealed, key);
    }
    return key;
  }
}
