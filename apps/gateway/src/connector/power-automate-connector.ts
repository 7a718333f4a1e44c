import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';
import { buildConnectorDefinition } from './connector-definition';

/** The connector, built once from this gateway's public URL. */
@Injectable()
export class PowerAutomateConnector {
  private readonly built: object;

  constructor(@Inject(GATEWAY_ENV) env: GatewayEnv) {
    this.built = buildConnectorDefinition(new URL(env.TRIPLINE_PUBLIC_URL));
  }

  definition(): object {
    return this.built;
  }
}
