import SwaggerParser from '@apidevtools/swagger-parser';
import { TRIGGER_CATALOGUE, TRIGGER_NAMES } from '@tripline/contracts';
import { z } from 'zod';
import { buildConnectorDefinition } from './connector-definition';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('the Power Automate connector definition', () => {
  const connector: Json = buildConnectorDefinition(new URL('https://tripline.contoso.example/api'));
  const definition = (node: Json) => connector.definitions[node.$ref.replace('#/definitions/', '')];
  const operations = new Map<string, Json>();
  for (const [path, item] of Object.entries(connector.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(item)) if (!method.startsWith('x-')) operations.set(op.operationId, { ...op, path, method });
  }

  it('is valid OpenAPI 2.0 for a real validator, with the default host and base path from the public URL', async () => {
    await expect(SwaggerParser.validate(structuredClone(connector))).resolves.toBeDefined();
    expect(connector).toMatchObject({ swagger: '2.0', host: 'tripline.contoso.example', basePath: '/api', schemes: ['https'] });
    expect(connector.securityDefinitions).toEqual({ api_key: { type: 'apiKey', in: 'header', name: 'X-API-Key' } });
  });

  it('gives each trigger the payload fields as its outputs: x-ms-notification-content on the path item, every field titled and described', () => {
    for (const trigger of TRIGGER_CATALOGUE) {
      const item = connector.paths[`/v1/subscriptions/${trigger.name}`];
      expect(item.post['x-ms-trigger']).toBe('single');
      expect(item.post).not.toHaveProperty('x-ms-notification-content');
      const payload = definition(item['x-ms-notification-content'].schema);
      const fields = Object.keys((z.toJSONSchema(trigger.payload, { io: 'output' }) as { properties: object }).properties);
      expect(Object.keys(payload.properties).sort()).toEqual(fields.sort());
      for (const field of Object.values(payload.properties as Record<string, Json>)) {
        expect(field).toMatchObject({ 'x-ms-summary': expect.any(String), description: expect.stringMatching(/[.!?]$/) });
      }
    }
  });

  it('marks the callback URL for the platform and offers no handshake it could not answer', () => {
    for (const name of TRIGGER_NAMES) {
      const body = connector.paths[`/v1/subscriptions/${name}`].post.parameters[0].schema;
      expect(body.properties).not.toHaveProperty('handshake');
      expect(body.properties.callbackUrl).toMatchObject({ 'x-ms-notification-url': true, 'x-ms-visibility': 'internal' });
    }
    expect(connector.paths['/v1/subscriptions/{subscriptionId}'].delete).toMatchObject({ 'x-ms-visibility': 'internal', parameters: [{ name: 'subscriptionId', in: 'path' }] });
  });

  it('declares the subscribe answer as it is: the typed parameters and the signing secret', () => {
    const segment = definition(connector.paths['/v1/subscriptions/segment-threshold-crossed'].post.responses['201'].schema);
    expect(segment.properties).toMatchObject({ threshold: { type: 'integer' }, segmentId: { type: 'string' }, secret: { type: 'string' }, id: { type: 'string' } });
    const full = definition(connector.paths['/v1/subscriptions/full-refresh-completed'].post.responses['201'].schema);
    expect(full.properties.includeManual).toMatchObject({ type: 'boolean' });
  });

  it('feeds the entity pickers from operations that return every choice, with the id and name they name', () => {
    const pickers = [
      ['data-source-refresh-failed', 'dataSourceId', 'ListDataSourceChoices'],
      ['segment-threshold-crossed', 'segmentId', 'ListSegmentChoices'],
      ['measure-threshold-crossed', 'measureId', 'ListMeasureChoices'],
    ];
    for (const [trigger, param, operationId] of pickers) {
      const dynamic = connector.paths[`/v1/subscriptions/${trigger}`].post.parameters[0].schema.properties[param]['x-ms-dynamic-values'];
      expect(dynamic).toEqual({ operationId, 'value-collection': 'choices', 'value-path': 'id', 'value-title': 'name' });
      const picker = operations.get(operationId);
      expect(picker).toMatchObject({ method: 'get', 'x-ms-visibility': 'internal', parameters: [{ name: 'q', in: 'query' }] });
      expect(Object.keys(definition(picker.responses['200'].schema).properties.choices.items.properties)).toEqual(['id', 'name']);
    }
  });

  it('tests a connection with a cheap call, so a wrong key or instance URL shows when the connection is made', () => {
    expect(connector['x-ms-capabilities']).toEqual({ testConnection: { operationId: 'ListDataSources', parameters: { limit: 1 } } });
    expect(operations.get('ListDataSources').parameters.map((p: Json) => p.name)).toContain('limit');
  });

  it('names its publisher and categories, from the instance it describes', () => {
    expect(connector.info.contact).toEqual({ name: 'Tripline', url: 'https://tripline.contoso.example/api', email: 'tripline@tripline.contoso.example' });
    expect(connector['x-ms-connector-metadata']).toEqual(expect.arrayContaining([{ propertyName: 'Categories', propertyValue: 'Data;IT Operations' }]));
  });

  it('has the actions as operations', () => {
    expect([...operations.keys()]).toEqual(expect.arrayContaining(['ListDataSources', 'ListSegments', 'ListMeasures', 'ListRefreshRuns', 'GetStatusReport', 'RequestRefresh', 'DeleteSubscription']));
  });

  it("leaves out the console's routes: its session is a browser's, never a flow's", () => {
    expect(Object.keys(connector.paths).filter((path) => path.startsWith('/v1/console'))).toEqual([]);
    // Sending a test event is the console's Set-up page's, not an action: a flow firing flows.
    expect([...operations.values()].filter((op) => /test.?event/i.test(`${op.operationId} ${op.path}`))).toEqual([]);
    expect(JSON.stringify(connector)).not.toMatch(/tripline_session|X-CSRF-Token/i);
  });

  it('leaves out API key management and the admin API: a flow must not mint, revoke or rotate the key its connection runs on', () => {
    expect(Object.keys(connector.paths).filter((path) => /^\/v1\/(api-keys|admin)(\/|$)/.test(path))).toEqual([]);
    expect([...operations.values()].filter((op) => /api.?key|tenant/i.test(op.operationId))).toEqual([]);
    expect(JSON.stringify(connector.definitions)).not.toMatch(/apiKeys|lastUsedAt/);
  });

  it("leaves out the operators' routes (dead letters and their replay, the services' readiness): a flow must not republish another service's messages", () => {
    expect(Object.keys(connector.paths).filter((path) => /dead-letters|\/services/.test(path))).toEqual([]);
    expect([...operations.values()].filter((op) => /dead.?letter|replay|readiness/i.test(op.operationId))).toEqual([]);
    expect(JSON.stringify(connector.definitions)).not.toMatch(/deadLetters|replayedAt|latencyMs/);
  });

  it('leaves out the events routes (the evaluation lookup and list, the erasure): diagnostics and GDPR, never a flow\'s action', () => {
    expect(Object.keys(connector.paths).filter((path) => path.startsWith('/v1/events'))).toEqual([]);
  });

  it("leaves out the recent values of segments and measures: the console's charts, not a flow's action", () => {
    expect(Object.keys(connector.paths).filter((path) => /\/values$/.test(path))).toEqual([]);
    expect([...operations.keys()].filter((id) => /values/i.test(id))).toEqual([]);
  });
});
