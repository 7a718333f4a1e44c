import { Inject, Injectable } from '@nestjs/common';
import type { SealedSecret } from '@tripline/contracts';
import { activeSecrets, SecretBox } from '@tripline/secrets';
import { Webhook } from 'standardwebhooks';
import { DISPATCHER_ENV, type DispatcherEnv } from '../dispatcher.env';

/**
 * Standard Webhooks headers for one attempt: `webhook-id` (the delivery's id, the same on
 * every retry), `webhook-timestamp`, and `webhook-signature`: `v1,<base64 HMAC-SHA256 of
 * id.timestamp.body>` for every secret that still signs (two during a rotation's overlap),
 * computed over exactly the body bytes that are sent.
 */
@Injectable()
export class WebhookSigner {
  private readonly box: SecretBox;

  constructor(@Inject(DISPATCHER_ENV) env: DispatcherEnv) {
    this.box = new SecretBox(env.TRIPLINE_SECRETS_KEY);
  }

  headers(deliveryId: string, body: string, secrets: readonly SealedSecret[], at = new Date()): Record<string, string> {
    const headers: Record<string, string> = {
      'webhook-id': deliveryId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    };
    const signatures = activeSecrets(secrets, at).map((s) => new Webhook(this.box.open(s.ciphertext)).sign(deliveryId, at, body));
    if (signatures.length > 0) headers['webhook-signature'] = signatures.join(' ');
    return headers;
  }
}
