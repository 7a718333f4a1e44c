import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController, type OpenAPIObject } from '@nestjs/swagger';
import { OpenApiDocument } from './openapi-document';
import { PowerAutomateConnector } from './power-automate-connector';

/** The API's own descriptions; public, like any API's documentation. */
@ApiExcludeController()
@Controller('v1')
export class ApiDocsController {
  constructor(
    private readonly openApi: OpenApiDocument,
    private readonly connector: PowerAutomateConnector,
  ) {}

  @Get('openapi.json')
  openApiDocument(): OpenAPIObject {
    return this.openApi.get();
  }

  @Get('connector/power-automate.json')
  powerAutomate(): object {
    return this.connector.definition();
  }
}
