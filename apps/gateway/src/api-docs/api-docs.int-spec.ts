import SwaggerParser from '@apidevtools/swagger-parser';
import { TRIGGER_NAMES } from '@tripline/contracts';
import { isolatedNamespace, json, startInProcess, type Json, type RunningService } from '@tripline/testing';
import { loadGatewayEnv } from '../gateway.env';
import { gatewayModule } from '../gateway.module';
import { publishOpenApi } from './openapi';

describe('the gateway\'s API documents', () => {
  const namespace = isolatedNamespace('api-docs');
  let gateway: RunningService;
  const get = async (path: string): Promise<Json> => json(await fetch(`${gateway.baseUrl}${path}`));

  beforeAll(async () => {
    gateway = await startInProcess(
      'gateway',
      namespace,
      loadGatewayEnv,
      gatewayModule,
      { TRIPLINE_ADMIN_TOKEN: 'docs-test-admin-token-0123456789', TRIPLINE_PUBLIC_URL: 'https://tripline.contoso.example/api' },
      publishOpenApi,
    );
  });
  afterAll(async () => gateway?.close());

  it('serves an OpenAPI 3 document that a real validator accepts, with every trigger and its callback', async () => {
    const document = await get('/v1/openapi.json');
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeDefined();
    expect(document.openapi).toMatch(/^3\./);
    for (const name of TRIGGER_NAMES) {
      const subscribe = document.paths[`/v1/subscriptions/${name}`].post;
      expect(subscribe.requestBody.content['application/json'].schema.properties).toHaveProperty('callbackUrl');
      expect(subscribe.requestBody.content['application/json'].schema.properties).toHaveProperty('handshake');
      expect(subscribe.callbacks[name]['{$request.body#/callbackUrl}'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('eventId');
    }
    for (const path of ['/v1/admin/tenants', '/v1/subscriptions', '/v1/subscriptions/{id}', '/v1/data-sources', '/v1/segments', '/v1/measures', '/v1/refresh-runs', '/v1/status-report', '/v1/refresh-requests', '/v1/triggers']) {
      expect(document.paths).toHaveProperty([path]);
    }
    const choices = ['data-sources', 'segments', 'measures'].map((list) => document.paths[`/v1/choices/${list}`].get);
    expect(choices.map((op: Json) => op.operationId)).toEqual(['ListDataSourceChoices', 'ListSegmentChoices', 'ListMeasureChoices']);
    for (const op of choices) expect(op.parameters).toEqual([expect.objectContaining({ name: 'q', in: 'query', required: false })]);
    expect(document.paths['/v1/segments'].get.parameters.map((p: Json) => p.name)).toContain('q');
  });

  describe('the Power Automate connector definition', () => {
    let connector: Json;
    beforeAll(async () => (connector = await get('/v1/connector/power-automate.json')));

    it('is valid OpenAPI 2.0 for a real validator, with the host taken from configuration', async () => {
      await expect(SwaggerParser.validate(structuredClone(connector))).resolves.toBeDefined();
      expect(connector).toMatchObject({ swagger: '2.0', host: 'tripline.contoso.example', basePath: '/api', schemes: ['https'] });
      expect(connector.securityDefinitions).toEqual({ apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' } });
    });

    it('has one webhook trigger per Tripline trigger, with the callback URL marked and the payload described', () => {
      for (const name of TRIGGER_NAMES) {
        const operation = connector.paths[`/v1/subscriptions/${name}`].post;
        expect(operation['x-ms-trigger']).toBe('single');
        // Power Automate cannot answer a validation handshake: the connector must not offer one.
        expect(operation.parameters[0].schema.properties).not.toHaveProperty('handshake');
        const callbackUrl = operation.parameters[0].schema.properties.callbackUrl;
        expect(callbackUrl).toMatchObject({ 'x-ms-notification-url': true, 'x-ms-visibility': 'internal' });
        const payload = connector.definitions[operation['x-ms-notification-content'].schema.$ref.replace('#/definitions/', '')];
        expect(payload.properties).toHaveProperty('eventId');
        expect(payload.properties.trigger).toBeDefined();
      }
      const del = connector.paths['/v1/subscriptions/{subscriptionId}'].delete;
      expect(del).toMatchObject({ 'x-ms-visibility': 'internal', parameters: [{ name: 'subscriptionId', in: 'path' }] });
    });

    it('offers segment and measure pickers fed by list actions that exist', () => {
      const pickers = [
        ['segment-threshold-crossed', 'segmentId', 'ListSegments', 'segments'],
        ['measure-threshold-crossed', 'measureId', 'ListMeasures', 'measures'],
      ];
      const operations = new Map<string, Json>();
      for (const [path, methods] of Object.entries(connector.paths as Record<string, Record<string, Json>>)) {
        for (const [method, op] of Object.entries(methods)) operations.set(op.operationId, { ...op, path, method });
      }
      for (const [trigger, param, operationId, collection] of pickers) {
        const dynamic = connector.paths[`/v1/subscriptions/${trigger}`].post.parameters[0].schema.properties[param]['x-ms-dynamic-values'];
        expect(dynamic).toEqual({ operationId, 'value-collection': collection, 'value-path': param, 'value-title': 'name' });
        const list = operations.get(operationId);
        expect(list?.method).toBe('get');
        const page = connector.definitions[list!.responses['200'].schema.$ref.replace('#/definitions/', '')];
        expect(page.properties[collection].items.properties).toHaveProperty(param);
      }
    });

    it('labels every parameter, and every field of the operations\' bodies', () => {
      for (const methods of Object.values(connector.paths as Record<string, Record<string, Json>>)) {
        for (const operation of Object.values(methods)) {
          for (const parameter of operation.parameters ?? []) {
            expect(parameter['x-ms-summary']).toEqual(expect.any(String));
            for (const property of Object.values((parameter.schema?.properties ?? {}) as Record<string, Json>)) {
              expect(property['x-ms-summary']).toEqual(expect.any(String));
            }
          }
        }
      }
    });

    it('has the actions as operations', () => {
      const ids = Object.values(connector.paths as Record<string, Record<string, Json>>).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
      expect(ids).toEqual(expect.arrayContaining(['ListDataSources', 'ListSegments', 'ListMeasures', 'ListRefreshRuns', 'GetStatusReport', 'RequestRefresh', 'DeleteSubscription']));
    });
  });

  it('lists the trigger catalogue with each trigger\'s parameters and payload as JSON Schema', async () => {
    const { triggers } = await get('/v1/triggers');
    expect(triggers.map((t: Json) => t.name)).toEqual(TRIGGER_NAMES);
    const segment = triggers.find((t: Json) => t.name === 'segment-threshold-crossed');
    expect(segment.parameters.required).toEqual(expect.arrayContaining(['segmentId', 'threshold', 'callbackUrl']));
    expect(segment.parameters.properties.threshold).toMatchObject({ type: 'integer', minimum: 0 });
    expect(Object.keys(segment.payload.properties)).toEqual(
      expect.arrayContaining(['eventId', 'segmentId', 'segmentName', 'threshold', 'previousValue', 'newValue', 'runId']),
    );
    const full = triggers.find((t: Json) => t.name === 'full-refresh-completed');
    expect(full.parameters.properties.includeManual).toMatchObject({ type: 'boolean', default: false });
  });
});
