import { Inject, Injectable } from '@nestjs/common';
import { CallbackAddressPolicy, checkCallbackUrl } from '@tripline/callback-policy';
import { HttpError } from '@tripline/service';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';

/**
 * Refuses, at subscribe time, a callback URL whose host is or resolves to an address callbacks
 * may not reach (private, loopback, link-local, metadata...). The dispatcher checks again at
 * every connection; this check is for the subscriber to learn it now, with the reason.
 */
@Injectable()
export class CallbackUrlCheck {
  private readonly policy: CallbackAddressPolicy;

  constructor(@Inject(GATEWAY_ENV) env: GatewayEnv) {
    this.policy = new CallbackAddressPolicy(env.TRIPLINE_CALLBACK_ALLOWLIST);
  }

  async assertAllowed(callbackUrl: string): Promise<void> {
    const verdict = await checkCallbackUrl(callbackUrl, this.policy);
    if (!verdict.allowed) {
      throw new HttpError('validation_failed', `callbackUrl: ${verdict.reason}`, { issues: [{ path: 'callbackUrl', message: verdict.reason }] });
    }
  }
}
