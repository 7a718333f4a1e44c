import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PowerAutomateConnector } from './power-automate-connector';

/** The Power Automate connector's files; public, like any API's documentation. */
@ApiExcludeController()
@Controller('v1/connector')
export class ConnectorController {
  constructor(private readonly connector: PowerAutomateConnector) {}

  @Get('power-automate.json')
  definition(): object {
    return this.connector.definition();
  }
}
