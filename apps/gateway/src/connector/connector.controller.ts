import { Controller, Get, StreamableFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PowerAutomateConnector } from './power-automate-connector';

export const CONNECTOR_PACKAGE_FILENAME = 'tripline-power-automate-connector.zip';

/** The Power Automate connector's files; public, like any API's documentation. */
@ApiExcludeController()
@Controller('v1/connector')
export class ConnectorController {
  constructor(private readonly connector: PowerAutomateConnector) {}

  @Get('power-automate.json')
  definition(): object {
    return this.connector.definition();
  }

  /** The whole package (definition, properties, icon, readme), ready for `paconn create`. */
  @Get('power-automate.zip')
  package(): StreamableFile {
    const zip = this.connector.package();
    return new StreamableFile(zip, { type: 'application/zip', disposition: `attachment; filename="${CONNECTOR_PACKAGE_FILENAME}"`, length: zip.length });
  }
}
