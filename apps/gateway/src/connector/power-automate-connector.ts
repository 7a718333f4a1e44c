import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_ENV, publicUrl, type GatewayEnv } from '../gateway.env';
import { buildConnectorDefinition } from './connector-definition';
import { buildConnectorPackage, zipConnectorPackage } from './connector-package';

/** The connector, built once from this gateway's public URL. */
@Injectable()
export class PowerAutomateConnector {
  private readonly publicUrl: URL;
  private readonly built: object;
  private zipped: Buffer | undefined;

  constructor(@Inject(GATEWAY_ENV) env: GatewayEnv) {
    this.publicUrl = new URL(publicUrl(env));
    this.built = buildConnectorDefinition(this.publicUrl);
  }

  definition(): object {
    return this.built;
  }

  /** The zipped connector package; drawn and zipped on the first download, not at every boot. */
  package(): Buffer {
    this.zipped ??= zipConnectorPackage(buildConnectorPackage(this.publicUrl));
    return this.zipped;
  }
}
