import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_ENV, publicUrl, type GatewayEnv } from '../gateway.env';

/**
 * The absolute URL of a subscription, for the subscribe answer's Location: the flow platform
 * DELETEs exactly that URL to unsubscribe, so it must carry the public base path (a gateway
 * behind a reverse proxy at https://host/api is reached at https://host/api/v1/...), which a
 * path relative to the host would lose.
 */
@Injectable()
export class SubscriptionLocation {
  private readonly base: URL;

  constructor(@Inject(GATEWAY_ENV) env: GatewayEnv) {
    const base = new URL(publicUrl(env));
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    base.search = '';
    base.hash = '';
    this.base = base;
  }

  of(subscriptionId: string): string {
    return new URL(`v1/subscriptions/${encodeURIComponent(subscriptionId)}`, this.base).href;
  }
}
