import SwaggerParser from '@apidevtools/swagger-parser';
import { ERROR_CATALOGUE, ErrorBody, EVENT_TYPES, TRIGGER_NAMES } from '@tripline/contracts';
import { isolatedNamespace, json, startInProcess, type Json, type RunningService } from '@tripline/testing';
import { loadGatewayEnv } from '../gateway.env';
import { gatewayModule } from '../gateway.module';
import { buildOpenApiOffline } from './offline-openapi';
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
    expect(document.paths).not.toHaveProperty(['/metrics']);
    const choices = ['data-sources', 'segments', 'measures'].map((list) => document.paths[`/v1/choices/${list}`].get);
    expect(choices.map((op: Json) => op.operationId)).toEqual(['ListDataSourceChoices', 'ListSegmentChoices', 'ListMeasureChoices']);
    for (const op of choices) expect(op.parameters).toEqual([expect.objectContaining({ name: 'q', in: 'query', required: false })]);
    expect(document.paths['/v1/segments'].get.parameters.map((p: Json) => p.name)).toContain('q');
    const operationsWebhook = document.paths['/v1/operations-webhook'];
    expect(Object.keys(operationsWebhook).sort()).toEqual(['delete', 'get', 'put']);
    expect(Object.keys(operationsWebhook.put.responses)).toEqual(expect.arrayContaining(['200', '201', 'default']));
    expect(operationsWebhook.put.requestBody.content['application/json'].schema).toBeDefined();
  });

  it("is the document built without a server, which the console's API types are generated from", async () => {
    expect(await get('/v1/openapi.json')).toEqual(JSON.parse(JSON.stringify(await buildOpenApiOffline())));
  });

  it("documents the console's session routes with their schemas, the cookie as a security scheme", async () => {
    const document = await get('/v1/openapi.json');
    const session = document.paths['/v1/console/session'];
    expect(Object.keys(session).sort()).toEqual(['delete', 'get', 'post']);
    const schema = (ref: string) => document.components.schemas[ref.replace('#/components/schemas/', '')];
    const signIn = schema(session.post.requestBody.content['application/json'].schema.$ref);
    expect(Object.keys(signIn.properties).sort()).toEqual(['adminToken', 'apiKey']);
    const answer = schema(session.post.responses['201'].content['application/json'].schema.$ref);
    expect(Object.keys(answer.properties).sort()).toEqual(['csrfToken', 'expiresAt', 'kind', 'tenantId']);
    expect(session.get.responses['200'].content['application/json'].schema.$ref).toBe(session.post.responses['201'].content['application/json'].schema.$ref);
    expect(session.delete.responses).toHaveProperty(['204']);
    expect(session.delete.parameters).toEqual([expect.objectContaining({ name: 'X-CSRF-Token', in: 'header', required: true })]);
    expect(document.components.securitySchemes.consoleSession).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'tripline_session' });
    expect(session.get.security).toEqual([{ consoleSession: [] }]);
  });

  it('documents the API key routes and the tenant list with their schemas, never a hash, the key only where one is made', async () => {
    const document = await get('/v1/openapi.json');
    const schema = (node: Json) => document.components.schemas[node.$ref.replace('#/components/schemas/', '')];
    const keys = document.paths['/v1/api-keys'];
    const key = document.paths['/v1/api-keys/{id}'];
    const rotate = document.paths['/v1/api-keys/{id}/rotate'];
    expect(Object.keys(keys).sort()).toEqual(['get', 'post']);
    expect(Object.keys(key).sort()).toEqual(['delete', 'patch']);
    expect(Object.keys(rotate)).toEqual(['post']);
    for (const op of [keys.get, keys.post, key.patch, key.delete, rotate.post]) expect(op.security).toEqual([{ apiKey: [] }]);

    const page = schema(keys.get.responses['200'].content['application/json'].schema);
    expect(Object.keys(page.properties).sort()).toEqual(['apiKeys', 'nextCursor']);
    const view = page.properties.apiKeys.items.$ref ? schema(page.properties.apiKeys.items) : page.properties.apiKeys.items;
    expect(Object.keys(view.properties).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt']);
    expect(keys.get.parameters.map((p: Json) => p.name).sort()).toEqual(['cursor', 'limit']);
    expect(Object.keys(schema(key.patch.responses['200'].content['application/json'].schema).properties).sort()).toEqual(Object.keys(view.properties).sort());

    const body = schema(keys.post.requestBody.content['application/json'].schema);
    expect(body.required).toEqual(['name']);
    expect(body.properties.name).toMatchObject({ type: 'string', minLength: 1, maxLength: 100 });
    expect(key.patch.requestBody.content['application/json'].schema).toEqual(keys.post.requestBody.content['application/json'].schema);
    for (const made of [keys.post, rotate.post]) {
      expect(Object.keys(schema(made.responses['201'].content['application/json'].schema).properties).sort()).toEqual(['apiKey', 'createdAt', 'id', 'name', 'prefix']);
    }
    expect(key.delete.responses).toHaveProperty(['204']);
    expect(JSON.stringify(document)).not.toMatch(/keyHash|key_hash/);

    const tenants = document.paths['/v1/admin/tenants'].get;
    expect(tenants.security).toEqual([{ adminToken: [] }]);
    expect(tenants.parameters.map((p: Json) => p.name).sort()).toEqual(['cursor', 'limit']);
    const tenantsPage = schema(tenants.responses['200'].content['application/json'].schema);
    const summary = tenantsPage.properties.tenants.items.$ref ? schema(tenantsPage.properties.tenants.items) : tenantsPage.properties.tenants.items;
    expect(Object.keys(summary.properties).sort()).toEqual(['apiKeys', 'createdAt', 'id', 'name', 'subscriptions']);
  });

  it('documents the evaluation routes ("why did my flow fire?") with every reason code, and keeps them out of the connector', async () => {
    const document = await get('/v1/openapi.json');
    const schema = (ref: string) => document.components.schemas[ref.replace('#/components/schemas/', '')];
    const evaluation = document.paths['/v1/events/{eventId}/evaluation'].get;
    expect(evaluation.security).toEqual([{ apiKey: [] }]);
    expect(Object.keys(evaluation.responses)).toEqual(expect.arrayContaining(['200', '404', 'default']));
    const answer = schema(evaluation.responses['200'].content['application/json'].schema.$ref);
    expect(Object.keys(answer.properties)).toEqual(expect.arrayContaining(['eventId', 'evaluatedAt', 'entity', 'observation', 'subscriptions']));
    const reason = answer.properties.subscriptions.items.properties.reason;
    const code = (reason.anyOf?.find((s: Json) => s.properties) ?? reason).properties.code;
    expect(code.enum).toEqual(expect.arrayContaining(['parameter_mismatch', 'below_threshold', 'not_rearmed', 'stale_observation', 'duplicate_event', 'created_after_event']));
    const list = document.paths['/v1/events'].get;
    expect(list.parameters.map((p: Json) => p.name)).toEqual(expect.arrayContaining(['entityId', 'type', 'limit', 'cursor']));
    const connector = await get('/v1/connector/power-automate.json');
    expect(Object.keys(connector.paths).filter((path) => path.startsWith('/v1/events'))).toEqual([]);
  });

  it("documents the operators' routes (dead letters, their replay, the services' readiness) for the admin token, and keeps them out of the connector", async () => {
    const document = await get('/v1/openapi.json');
    const list = document.paths['/v1/admin/dead-letters'].get;
    expect(list.security).toEqual([{ adminToken: [] }]);
    expect(list.parameters.map((p: Json) => p.name).sort()).toEqual(['cursor', 'limit', 'reason', 'source', 'tenantId']);
    const replay = document.paths['/v1/admin/dead-letters/{id}/replay'].post;
    expect(replay.security).toEqual([{ adminToken: [] }]);
    expect(Object.keys(replay.responses)).toEqual(expect.arrayContaining(['200', 'default']));
    expect(document.paths['/v1/admin/services'].get.security).toEqual([{ adminToken: [] }]);
    const connector = await get('/v1/connector/power-automate.json');
    expect(Object.keys(connector.paths).filter((path) => /dead-letters|\/admin\/services/.test(path))).toEqual([]);
  });

  it("documents the console's test-event route, answering 202 with the event's id, and keeps it out of the connector", async () => {
    const document = await get('/v1/openapi.json');
    const schema = (ref: string) => document.components.schemas[ref.replace('#/components/schemas/', '')];
    const send = document.paths['/v1/console/test-events'].post;
    expect(send.security).toEqual([{ apiKey: [] }]);
    const body = schema(send.requestBody.content['application/json'].schema.$ref);
    expect(body.required).toEqual(['type']);
    expect(body.properties.type.enum).toEqual([...EVENT_TYPES]);
    expect(Object.keys(body.properties).sort()).toEqual(['entityId', 'status', 'type', 'value']);
    const answer = schema(send.responses['202'].content['application/json'].schema.$ref);
    expect(Object.keys(answer.properties)).toEqual(expect.arrayContaining(['eventId', 'type', 'entity']));
    const connector = await get('/v1/connector/power-automate.json');
    expect(Object.keys(connector.paths).filter((path) => path.startsWith('/v1/console'))).toEqual([]);
  });

  it('documents the recent values of segments and measures, and keeps them out of the connector', async () => {
    const document = await get('/v1/openapi.json');
    for (const path of ['/v1/segments/{id}/values', '/v1/measures/{id}/values']) {
      const operation = document.paths[path].get;
      expect(operation.security).toEqual([{ apiKey: [] }]);
      expect(operation.parameters.map((p: Json) => [p.name, p.in])).toEqual(expect.arrayContaining([['id', 'path'], ['limit', 'query']]));
      const limit = operation.parameters.find((p: Json) => p.name === 'limit').schema;
      expect([limit.minimum, limit.maximum, limit.default]).toEqual([1, 500, 50]);
    }
    const connector = await get('/v1/connector/power-automate.json');
    expect(Object.keys(connector.paths).filter((path) => path.endsWith('/values'))).toEqual([]);
  });

  it('documents the error catalogue: every code in the Error schema, every operation answering errors with it', async () => {
    const document = await get('/v1/openapi.json');
    expect(document.components.schemas.Error.properties.error.enum).toEqual(ERROR_CATALOGUE.map((e) => e.code));
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item as Json)) as Json[];
    expect(operations.length).toBeGreaterThan(10);
    for (const op of operations) expect(op.responses.default.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    // and the answers the gateway gives are that schema: its own refusals, and Nest's for a route it lacks
    const answers = [
      await fetch(`${gateway.baseUrl}/v1/admin/tenants`, {
        method: 'POST',
        headers: { authorization: 'Bearer docs-test-admin-token-0123456789', 'content-type': 'application/json' },
        body: '{}',
      }),
      await fetch(`${gateway.baseUrl}/v1/subscriptions`),
      await fetch(`${gateway.baseUrl}/v1/no-such-route`),
    ];
    const bodies = await Promise.all(answers.map(async (res) => [res.status, ErrorBody.parse(await json(res)).error]));
    expect(bodies).toEqual([
      [400, 'validation_failed'],
      [401, 'unauthorized'],
      [404, 'not_found'],
    ]);
  });

  it('serves the Power Automate connector definition, its host taken from configuration', async () => {
    const connector = await get('/v1/connector/power-automate.json');
    await expect(SwaggerParser.validate(structuredClone(connector))).resolves.toBeDefined();
    expect(connector).toMatchObject({ swagger: '2.0', host: 'tripline.contoso.example', basePath: '/api', schemes: ['https'] });
    // The console's sign-in and key management are for a browser, never a flow's action.
    expect(Object.keys(connector.paths).filter((path) => /^\/v1\/(console|api-keys|admin)(\/|$)/.test(path))).toEqual([]);
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
