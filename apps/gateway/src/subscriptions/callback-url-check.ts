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

  /** `field`: the body's name for the URL, which the 400 names. */
  async assertAllowed(callbackUrl: string, field = 'callbackUrl'): Promise<void> {
    const verdict = await checkCallbackUrl(callbackUrl, this.policy);
    if (!verdict.allowed) {
      throw new HttpError('validation_failed', `${field}: ${verdict.reason}`, { issues: [{ path: field, message: verdict.reason }] });
    }
  }
}
