import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { loadGatewayEnv } from '../gateway.env';
import { gatewayModule } from '../gateway.module';
import { buildOpenApi } from './openapi';

/**
 * The gateway's OpenAPI document without a server, Kafka or Postgres: the module in Nest's
 * preview mode (no provider or controller is created, so nothing connects) gives the routes
 * their metadata, which is all the document is built from. The console's typed API client is
 * generated from it (`npm run console:api`). The document depends on no setting, so any valid
 * environment gives the same one.
 */
export async function buildOpenApiOffline(): Promise<OpenAPIObject> {
  const env = loadGatewayEnv({ TRIPLINE_ADMIN_TOKEN: 'offline-openapi-document', TRIPLINE_SECRETS_KEY: Buffer.alloc(32).toString('base64') });
  const app = await NestFactory.create(gatewayModule(env), { preview: true, logger: false, abortOnError: false });
  try {
    return buildOpenApi(app);
  } finally {
    await app.close();
  }
}
