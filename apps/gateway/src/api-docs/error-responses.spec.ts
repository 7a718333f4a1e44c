import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ERROR_CATALOGUE } from '@tripline/contracts';
import type { Json } from '@tripline/testing';
import { documentErrors, errorSchema } from './error-responses';

function twoOperations(): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {
      '/v1/things': {
        get: { responses: { '200': { description: 'The things' } } },
        post: { responses: { '201': { description: 'Made' }, '400': { description: 'A parameter is wrong' } } },
      },
    },
  };
}

describe('the Error schema of the OpenAPI document', () => {
  it('lists every code of the catalogue, with its status and meaning', () => {
    const error = (errorSchema() as Json)['properties']['error'];
    expect(error.enum).toEqual(ERROR_CATALOGUE.map((e) => e.code));
    expect(error['x-enum-descriptions']).toEqual(ERROR_CATALOGUE.map((e) => e.meaning));
    for (const { code, status, meaning } of ERROR_CATALOGUE) expect(error.description).toContain(`\`${code}\` (${status}): ${meaning}`);
  });

  it('describes the body every error answer has', () => {
    const schema = errorSchema() as Json;
    expect(schema['required']).toEqual(['error', 'message']);
    expect(Object.keys(schema['properties'])).toEqual(['error', 'message', 'issues', 'limit']);
  });

  it('gives every operation its error answers as the Error schema, and stays a valid OpenAPI document', async () => {
    const document = twoOperations();
    documentErrors(document);
    const ref = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
    const { get, post } = document.paths['/v1/things'] as Json;
    expect(get.responses.default.content).toEqual(ref);
    expect(post.responses.default.content).toEqual(ref);
    expect(post.responses['400']).toEqual({ description: 'A parameter is wrong', content: ref });
    expect(post.responses['201']).toEqual({ description: 'Made' });
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });
});
