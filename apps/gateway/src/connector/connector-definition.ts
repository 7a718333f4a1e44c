import { RefreshRequested, RefreshRequestInput, TRIGGER_CATALOGUE, type TriggerDefinition } from '@tripline/contracts';
import type { z } from 'zod';
import { DataSourcesQuery, MeasuresQuery, RefreshRunsQuery, SegmentsQuery } from '../platform-state/platform-state.queries-input';
import { DataSourceView, MeasureView, RefreshRunView, SegmentView, StatusReport } from '../platform-state/platform-state.views';
import { SubscriptionViewSchema } from '../subscriptions/subscription.dtos';
import { subscribeBodySchema } from '../triggers/trigger-schemas';
import { API_VERSION } from '../api-docs/openapi';
import { humanize, swagger2Schema } from '../api-docs/swagger2-schema';

type Schema = Record<string, unknown>;

/** Pickers the flow designer shows for entity parameters: the list action that feeds each. */
const PICKERS: Record<string, { operationId: string; collection: string; path: string }> = {
  dataSourceId: { operationId: 'ListDataSources', collection: 'dataSources', path: 'dataSourceId' },
  segmentId: { operationId: 'ListSegments', collection: 'segments', path: 'segmentId' },
  measureId: { operationId: 'ListMeasures', collection: 'measures', path: 'measureId' },
};

const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
const ref = (name: string) => ({ $ref: `#/definitions/${name}` });

/**
 * The OpenAPI 2.0 custom-connector definition Power Automate imports: one webhook trigger per
 * Tripline trigger (`x-ms-trigger: single`, the callback marked `x-ms-notification-url`, the
 * payload as `x-ms-notification-content`), the DELETE the platform calls to unsubscribe, and the
 * actions. Built from the same contracts the services validate with, so it cannot drift.
 */
export function buildConnectorDefinition(publicUrl: URL): object {
  const definitions: Record<string, Schema> = {
    Subscription: swagger2Schema(SubscriptionViewSchema, 'output'),
    DataSourcesPage: page('dataSources', DataSourceView),
    SegmentsPage: page('segments', SegmentView),
    MeasuresPage: page('measures', MeasureView),
    RefreshRunsPage: page('refreshRuns', RefreshRunView),
    StatusReport: swagger2Schema(StatusReport, 'output'),
    RefreshRequested: swagger2Schema(RefreshRequested, 'output'),
  };
  const paths: Record<string, Record<string, unknown>> = {};

  for (const trigger of TRIGGER_CATALOGUE) {
    const payloadName = `${pascal(trigger.name)}Payload`;
    definitions[payloadName] = swagger2Schema(trigger.payload, 'output');
    paths[`/v1/subscriptions/${trigger.name}`] = { post: triggerOperation(trigger, payloadName) };
  }
  paths['/v1/subscriptions/{subscriptionId}'] = {
    delete: {
      operationId: 'DeleteSubscription',
      summary: 'Unsubscribe',
      description: 'Called by Power Automate when a flow is deleted, turned off or its trigger changed.',
      'x-ms-visibility': 'internal',
      parameters: [{ name: 'subscriptionId', in: 'path', required: true, type: 'string', 'x-ms-summary': 'Subscription ID', description: 'The id in the Location header of the subscribe answer' }],
      responses: { '204': { description: 'Unsubscribed (also when there was no such subscription)' } },
    },
  };
  paths['/v1/data-sources'] = { get: listAction('ListDataSources', 'List data sources', 'The last refresh of each data source.', DataSourcesQuery, 'DataSourcesPage') };
  paths['/v1/segments'] = { get: listAction('ListSegments', 'List segments', "Each segment's current member count.", SegmentsQuery, 'SegmentsPage') };
  paths['/v1/measures'] = { get: listAction('ListMeasures', 'List measures', "Each business measure's current value.", MeasuresQuery, 'MeasuresPage') };
  paths['/v1/refresh-runs'] = { get: listAction('ListRefreshRuns', 'List refresh runs', 'Full, partial and unification runs, newest first.', RefreshRunsQuery, 'RefreshRunsPage') };
  paths['/v1/status-report'] = {
    get: {
      operationId: 'GetStatusReport',
      summary: 'Get the status report',
      description: 'One summary of the latest runs and failures, to send on to people.',
      parameters: [],
      responses: { '200': { description: 'The report', schema: ref('StatusReport') } },
    },
  };
  paths['/v1/refresh-requests'] = {
    post: {
      operationId: 'RequestRefresh',
      summary: 'Request a refresh',
      description: 'Asks the data platform to refresh everything, or some data sources, segments or measures.',
      parameters: [{ name: 'body', in: 'body', required: true, 'x-ms-summary': 'Refresh request', schema: swagger2Schema(RefreshRequestInput, 'input') }],
      responses: { '202': { description: 'The request, passed on to the data platform', schema: ref('RefreshRequested') } },
    },
  };

  return {
    swagger: '2.0',
    info: {
      title: 'Tripline',
      description: 'Start flows when the data platform refreshes data sources, crosses segment or measure thresholds, or completes a full or unification refresh; and read its state.',
      version: API_VERSION,
    },
    host: publicUrl.host,
    basePath: publicUrl.pathname.replace(/\/$/, '') || '/',
    schemes: [publicUrl.protocol.replace(':', '')],
    consumes: ['application/json'],
    produces: ['application/json'],
    securityDefinitions: { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' } },
    security: [{ apiKey: [] }],
    paths,
    definitions,
  };
}

function triggerOperation(trigger: TriggerDefinition, payloadName: string): object {
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
        'value-collection': picker.collection,
        'value-path': picker.path,
        'value-title': 'name',
      };
    }
  }
  return {
    operationId: `On${pascal(trigger.name)}`,
    summary: trigger.summary,
    description: trigger.description,
    'x-ms-trigger': 'single',
    parameters: [{ name: 'body', in: 'body', required: true, 'x-ms-summary': 'Trigger parameters', schema: body }],
    responses: { '201': { description: 'Subscribed; Location is the URL Power Automate deletes to unsubscribe', schema: ref('Subscription') } },
    'x-ms-notification-content': { description: trigger.summary, schema: ref(payloadName) },
  };
}

function listAction(operationId: string, summary: string, description: string, query: z.ZodObject, response: string): object {
  const json = swagger2Schema(query, 'input') as { properties: Record<string, Schema>; required?: string[] };
  const parameters = Object.entries(json.properties).map(([name, property]) => {
    const { 'x-ms-summary': _, ...rest } = property;
    return { name, in: 'query', required: json.required?.includes(name) ?? false, 'x-ms-summary': humanize(name), ...rest };
  });
  return { operationId, summary, description, parameters, responses: { '200': { description: summary, schema: ref(response) } } };
}

function page(key: string, item: z.ZodType): Schema {
  return {
    type: 'object',
    required: [key, 'nextCursor'],
    properties: {
      [key]: { type: 'array', items: swagger2Schema(item, 'output'), 'x-ms-summary': humanize(key) },
      nextCursor: { type: 'string', 'x-nullable': true, 'x-ms-summary': 'Next cursor', description: 'Pass as cursor for the next page' },
    },
  };
}
