import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { TRIGGER_CATALOGUE } from '@tripline/contracts';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import { jsonSchema, subscribeBodySchema } from '../triggers/trigger-schemas';
import { documentErrors } from './error-responses';
import { OpenApiDocument } from './openapi-document';

export const API_VERSION = '1.0.0';

/**
 * Builds the gateway's OpenAPI 3 document from its controllers (nestjs/swagger reads the routes,
 * nestjs-zod turns the zod DTOs into schemas) and from the trigger catalogue: one subscribe
 * operation per trigger, whose callback payload is an OpenAPI `callbacks` entry; and from the
 * error catalogue: every operation's error answers are the Error schema.
 */
export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Tripline gateway')
    .setDescription('Subscribe to data platform triggers with a callback URL, and call the connector actions.')
    .setVersion(API_VERSION)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'apiKey')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'TRIPLINE_ADMIN_TOKEN' }, 'adminToken')
    .addCookieAuth(
      'tripline_session',
      { type: 'apiKey', in: 'cookie', description: 'The console\'s session (POST /v1/console/session); a write with it also sends X-CSRF-Token' },
      'consoleSession',
    )
    .build();
  const document = cleanupOpenApiDoc(SwaggerModule.createDocument(app, config));
  // Prometheus' scrape endpoint (every service has it) is for operators, not API clients, and is not JSON.
  delete document.paths['/metrics'];
  // nestjs-zod names a response schema after its DTO, with an _Output suffix.
  const subscriptionSchema = Object.keys(document.components?.schemas ?? {}).find((name) => /^SubscriptionDto(_Output)?$/.test(name));
  if (!subscriptionSchema) throw new Error('OpenAPI: the SubscriptionDto schema is missing');
  for (const trigger of TRIGGER_CATALOGUE) {
    document.paths[`/v1/subscriptions/${trigger.name}`] = {
      post: {
        operationId: `subscribe_${trigger.name}`,
        tags: ['subscriptions'],
        summary: trigger.summary,
        description: `${trigger.description} Idempotent: the same callback URL and parameters give the same subscription.`,
        security: [{ apiKey: [] }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: jsonSchema(subscribeBodySchema(trigger), 'input', 'openapi-3.0') } },
        },
        responses: {
          '201': {
            description: 'Subscribed; Location is the URL to DELETE to unsubscribe. The answer holds the signing secret.',
            headers: { Location: { schema: { type: 'string', format: 'uri' }, description: 'The absolute URL of the subscription: TRIPLINE_PUBLIC_URL, base path included, then /v1/subscriptions/{id}' } },
            content: { 'application/json': { schema: { $ref: `#/components/schemas/${subscriptionSchema}` } } },
          },
          '400': { description: 'A parameter is missing or wrong; the body names it' },
        },
        callbacks: {
          [trigger.name]: {
            '{$request.body#/callbackUrl}': {
              post: {
                summary: `Each firing of ${trigger.name}`,
                description: 'Headers: webhook-id (the same for every retry of one delivery), webhook-timestamp. Any 2xx is success; 404/410 disables the subscription.',
                requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(trigger.payload, 'output', 'openapi-3.0') } } },
                responses: { '200': { description: 'Received' } },
              },
            },
          },
        },
      },
    };
  }
  documentErrors(document);
  return document;
}

/** The gateway's `configure` hook: build the document once the routes exist. */
export function publishOpenApi(app: INestApplication): void {
  app.get(OpenApiDocument).set(buildOpenApi(app));
}
