import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '@tripline/secrets';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';

/**
 * Seals a subscribe request's callback URL before it goes to the registry: the URL carries the
 * token that starts the flow, and the requests topic keeps what it carries for its retention.
 * The gateway never opens one: its answers show the registry's redacted form.
 */
@Injectable()
export class CallbackUrlSeal {
  private readonly box: SecretBox;

  constructor(@Inject(GATEWAY_ENV) env: GatewayEnv) {
    this.box = new SecretBox(env.TRIPLINE_SECRETS_KEY);
  }

  seal(callbackUrl: string): string {
    return this.box.seal(callbackUrl);
  }
}
