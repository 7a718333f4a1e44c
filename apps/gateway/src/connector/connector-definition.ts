import { RefreshRequested, RefreshRequestInput, TRIGGER_CATALOGUE, type TriggerDefinition } from '@tripline/contracts';
import { z } from 'zod';
import { API_VERSION } from '../api-docs/openapi';
import { humanize, sentence, swagger2Schema } from '../api-docs/swagger2-schema';
import { ChoicesQuery, DataSourcesQuery, MeasuresQuery, RefreshRunsQuery, SegmentsQuery } from '../platform-state/platform-state.queries-input';
import { Choices, DataSourceView, MeasureView, RefreshRunView, SegmentView, StatusReport } from '../platform-state/platform-state.views';
import { SubscribedSchema, SubscriptionViewSchema } from '../subscriptions/subscription.dtos';
import { subscribeBodySchema } from '../triggers/trigger-schemas';
import { connectorPublisher } from './connector-publisher';

type Schema = Record<string, unknown>;

/**
 * Pickers the flow designer shows for entity parameters, and the operation that feeds each. The
 * designer cannot pass what the maker types to the operation (it filters what came back), so a
 * picker's operation returns every choice in one answer, not a page of a list action.
 */
const PICKERS: Record<string, { operationId: string; path: string; entity: string }> = {
  dataSourceId: { operationId: 'ListDataSourceChoices', path: '/v1/choices/data-sources', entity: 'data sources' },
  segmentId: { operationId: 'ListSegmentChoices', path: '/v1/choices/segments', entity: 'segments' },
  measureId: { operationId: 'ListMeasureChoices', path: '/v1/choices/measures', entity: 'business measures' },
};

const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
const ref = (name: string) => ({ $ref: `#/definitions/${name}` });

/**
 * The OpenAPI 2.0 custom-connector definition the flow platform imports: one webhook trigger per
 * Tripline trigger (`x-ms-trigger: single`, the callback marked `x-ms-notification-url`, and the
 * callback's payload as `x-ms-notification-content` on the path item, where the platform reads a
 * trigger's outputs from), the DELETE the platform calls to unsubscribe, the actions, and the
 * pickers' operations. Built from the same contracts the services validate with, so it cannot
 * drift. `publicUrl` gives the default host and base path; a connection's instance URL replaces
 * both (the dynamichosturl policy of apiProperties.json).
 */
export function buildConnectorDefinition(publicUrl: URL): object {
  const publisher = connectorPublisher(publicUrl);
  const definitions: Record<string, Schema> = {
    Subscription: swagger2Schema(SubscriptionViewSchema, 'output'),
    DataSourcesPage: page('dataSources', 'The data sources on this page.', DataSourceView),
    SegmentsPage: page('segments', 'The segments on this page.', SegmentView),
    MeasuresPage: page('measures', 'The business measures on this page.', MeasureView),
    RefreshRunsPage: page('refreshRuns', 'The refresh runs on this page, newest first.', RefreshRunView),
    Choices: swagger2Schema(Choices, 'output'),
    StatusReport: swagger2Schema(StatusReport, 'output'),
    RefreshRequested: swagger2Schema(RefreshRequested, 'output'),
  };
  const paths: Record<string, Record<string, unknown>> = {};

  for (const trigger of TRIGGER_CATALOGUE) {
    const payloadName = `${pascal(trigger.name)}Payload`;
    const subscribedName = `${pascal(trigger.name)}Subscription`;
    definitions[payloadName] = swagger2Schema(trigger.payload, 'output');
    definitions[subscribedName] = swagger2Schema(subscribedSchema(trigger), 'output');
    paths[`/v1/subscriptions/${trigger.name}`] = {
      post: triggerOperation(trigger, subscribedName),
      'x-ms-notification-content': { description: sentence(`The callback of ${trigger.summary.toLowerCase()}`), schema: ref(payloadName) },
    };
  }
  paths['/v1/subscriptions/{subscriptionId}'] = {
    delete: {
      operationId: 'DeleteSubscription',
      summary: 'Unsubscribe',
      description: 'Ends a subscription; the flow platform calls it when a flow is deleted, turned off or its trigger changed.',
      'x-ms-visibility': 'internal',
      parameters: [
        {
          name: 'subscriptionId',
          in: 'path',
          required: true,
          type: 'string',
          'x-ms-summary': 'Subscription ID',
          description: 'The id at the end of the Location header of the subscribe answer.',
        },
      ],
      responses: { '204': { description: 'Unsubscribed (also when there was no such subscription).' } },
    },
  };
  paths['/v1/data-sources'] = { get: listAction('ListDataSources', 'List data sources', 'Lists each data source with its last refresh.', DataSourcesQuery, 'DataSourcesPage') };
  paths['/v1/segments'] = { get: listAction('ListSegments', 'List segments', "Lists each segment with its current member count.", SegmentsQuery, 'SegmentsPage') };
  paths['/v1/measures'] = { get: listAction('ListMeasures', 'List business measures', "Lists each business measure with its current value.", MeasuresQuery, 'MeasuresPage') };
  paths['/v1/refresh-runs'] = { get: listAction('ListRefreshRuns', 'List refresh runs', 'Lists full, partial and unification runs, newest first.', RefreshRunsQuery, 'RefreshRunsPage') };
  for (const picker of Object.values(PICKERS)) paths[picker.path] = { get: choicesOperation(picker) };
  paths['/v1/status-report'] = {
    get: {
      operationId: 'GetStatusReport',
      summary: 'Get the status report',
      description: 'Gets one summary of the latest runs and failures, to send on to people.',
      parameters: [],
      responses: { '200': { description: 'The status report.', schema: ref('StatusReport') } },
    },
  };
  paths['/v1/refresh-requests'] = {
    post: {
      operationId: 'RequestRefresh',
      summary: 'Request a refresh',
      description: 'Asks the data platform to refresh everything, or some data sources, segments or measures.',
      parameters: [
        {
          name: 'body',
          in: 'body',
          required: true,
          'x-ms-summary': 'Refresh request',
          description: 'What to refresh.',
          schema: swagger2Schema(RefreshRequestInput, 'input'),
        },
      ],
      responses: { '202': { description: 'The request, passed on to the data platform.', schema: ref('RefreshRequested') } },
    },
  };

  return {
    swagger: '2.0',
    info: {
      title: 'Tripline',
      description:
        'Start flows when the data platform refreshes data sources, when segments or business measures cross thresholds, or when a full or unification refresh completes; and read the platform\'s state.',
      version: API_VERSION,
      contact: publisher.contact,
    },
    'x-ms-connector-metadata': publisher.metadata,
    host: publicUrl.host,
    basePath: publicUrl.pathname.replace(/\/$/, '') || '/',
    schemes: [publicUrl.protocol.replace(':', '')],
    consumes: ['application/json'],
    produces: ['application/json'],
    securityDefinitions: { api_key: { type: 'apiKey', in: 'header', name: 'X-API-Key' } },
    security: [{ api_key: [] }],
    // A wrong API key or instance URL shows when the connection is made, not when a flow runs.
    'x-ms-capabilities': { testConnection: { operationId: 'ListDataSources', parameters: { limit: 1 } } },
    paths,
    definitions,
  };
}

/** What the subscribe call answers for this trigger: the subscription, its typed parameters, its secret. */
function subscribedSchema(trigger: TriggerDefinition): z.ZodObject {
  return z
    .object({ ...SubscriptionViewSchema.shape, ...(trigger.params as z.ZodObject).shape, secret: SubscribedSchema.shape.secret })
    .describe('The subscription: its id, callback, status and the trigger\'s parameters, and its signing secret.');
}

function triggerOperation(trigger: TriggerDefinition, subscribedName: string): object {
  const body = swagger2Schema(subscribeBodySchema(trigger, { withHandshake: false }), 'input') as { properties: Record<string, Schema> };
  body.properties['callbackUrl'] = {
    ...body.properties['callbackUrl'],
    'x-ms-notification-url': true,
    'x-ms-visibility': 'internal',
    'x-ms-summary': 'Callback URL',
  };
  for (const [name, picker] of Object.entries(PICKERS)) {
    if (body.properties[name]) {
      body.properties[name]['x-ms-dynamic-values'] = {
        operationId: picker.operationId,
        'value-collection': 'choices',
        'value-path': 'id',
        'value-title': 'name',
      };
    }
  }
  return {
    operationId: `On${pascal(trigger.name)}`,
    summary: trigger.summary,
    description: sentence(trigger.description),
    'x-ms-trigger': 'single',
    parameters: [{ name: 'body', in: 'body', required: true, 'x-ms-summary': 'Trigger parameters', description: 'The trigger\'s parameters.', schema: body }],
    responses: {
      '201': {
        description: 'Subscribed; the Location header is the URL the platform deletes to unsubscribe.',
        headers: { Location: { type: 'string', description: 'The absolute URL of the subscription.' } },
        schema: ref(subscribedName),
      },
    },
  };
}

function listAction(operationId: string, summary: string, description: string, query: z.ZodObject, response: string): object {
  const parameters = queryParameters(query);
  return { operationId, summary, description, parameters, responses: { '200': { description: sentence(summary), schema: ref(response) } } };
}

/** Labels the designer shows for query parameters whose name alone says little. */
const PARAMETER_LABELS: Record<string, string> = { q: 'Search' };

function queryParameters(query: z.ZodObject): object[] {
  const json = swagger2Schema(query, 'input') as { properties: Record<string, Schema>; required?: string[] };
  return Object.entries(json.properties).map(([name, property]) => {
    const { 'x-ms-summary': _, ...rest } = property;
    return { name, in: 'query', required: json.required?.includes(name) ?? false, 'x-ms-summary': PARAMETER_LABELS[name] ?? humanize(name), ...rest };
  });
}

function choicesOperation(picker: (typeof PICKERS)[string]): object {
  return {
    operationId: picker.operationId,
    summary: `List ${picker.entity} to pick from`,
    description: `Lists every one of the tenant's ${picker.entity} by name, for the picker of a trigger parameter.`,
    'x-ms-visibility': 'internal',
    parameters: queryParameters(ChoicesQuery),
    responses: { '200': { description: `The ${picker.entity} to pick from.`, schema: ref('Choices') } },
  };
}

function page(key: string, description: string, item: z.ZodType): Schema {
  return {
    type: 'object',
    required: [key, 'nextCursor'],
    properties: {
      [key]: { type: 'array', items: swagger2Schema(item, 'output'), 'x-ms-summary': humanize(key), description },
      nextCursor: { type: 'string', 'x-nullable': true, 'x-ms-summary': 'Next cursor', description: 'Pass it as the cursor for the next page; empty on the last page.' },
    },
  };
}
