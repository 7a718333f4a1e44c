import type { OpenAPIObject } from '@nestjs/swagger';
import { ERROR_CATALOGUE, ErrorBody } from '@tripline/contracts';
import { jsonSchema } from '../triggers/trigger-schemas';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const ERROR_SCHEMA = 'Error';

/**
 * The error body as OpenAPI describes it, from the same contract the services answer with. OpenAPI
 * 3.0 cannot describe enum values one by one, so each code's status and meaning are in the
 * description (for readers) and in x-enum-descriptions, in enum order (for client generators).
 */
export function errorSchema(): Record<string, unknown> {
  const schema = jsonSchema(ErrorBody, 'output', 'openapi-3.0');
  const properties = schema['properties'] as Record<string, Record<string, unknown>>;
  const codes = ERROR_CATALOGUE.map((e) => `- \`${e.code}\` (${e.status}): ${e.meaning}`).join('\n');
  properties['error'] = {
    ...properties['error'],
    description: `${String(properties['error']['description'])}. Each code, its status and its meaning:\n\n${codes}`,
    'x-enum-descriptions': ERROR_CATALOGUE.map((e) => e.meaning),
  };
  return { ...schema, description: 'The body of every error answer' };
}

/**
 * Adds the Error schema to the document, and to every operation an error answer that uses it:
 * the error responses an operation already names get its content, and `default` covers the rest
 * (401, 429, 503... can come from any route).
 */
export function documentErrors(document: OpenAPIObject): void {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, [ERROR_SCHEMA]: errorSchema() } };
  const content = { 'application/json': { schema: { $ref: `#/components/schemas/${ERROR_SCHEMA}` } } };
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      for (const [status, response] of Object.entries(operation.responses)) {
        if (/^[45]/.test(status) && response && !('$ref' in response) && !response.content) response.content = content;
      }
      operation.responses.default ??= { description: 'An error; `error` is a code of the error catalogue, answered with its status (see the Error schema)', content };
    }
  }
}
