import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController, type OpenAPIObject } from '@nestjs/swagger';
import { OpenApiDocument } from './openapi-document';

/** The API's own descriptions; public, like any API's documentation. */
@ApiExcludeController()
@Controller('v1')
export class ApiDocsController {
  constructor(private readonly openApi: OpenApiDocument) {}

  @Get('openapi.json')
  openApiDocument(): OpenAPIObject {
    return this.openApi.get();
  }
}
