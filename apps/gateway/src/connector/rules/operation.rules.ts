import { fieldsReachable, isObject, operationsOf, parameterAt, parametersOf, resolve, type Json, type OperationSite } from './definition-walk';

/**
 * Operations as the designer and certification need them: a unique PascalCase operationId (the
 * key flows store), exact response schemas ("Define exact operation responses"), and webhook
 * triggers wired the way the platform subscribes: the callback field marked
 * x-ms-notification-url, the payload as x-ms-notification-content on the path item.
 */
export function operationViolations(definition: Json): string[] {
  const sites = operationsOf(definition);
  return [...operationIdViolations(sites), ...sites.flatMap((site) => [...responseViolations(definition, site), ...triggerViolations(definition, site)]), ...orphanNotificationViolations(definition, sites)];
}

function operationIdViolations(sites: OperationSite[]): string[] {
  const violations: string[] = [];
  const firstAt = new Map<string, string>();
  for (const { at, operation } of sites) {
    const id = operation['operationId'];
    if (typeof id !== 'string' || id === '') {
      violations.push(`${at}: every operation needs an operationId`);
      continue;
    }
    if (!/^[A-Z][A-Za-z0-9]*$/.test(id)) violations.push(`${at}.operationId: "${id}" must be PascalCase letters and digits (like GetContacts)`);
    const first = firstAt.get(id);
    if (first) violations.push(`${at}.operationId: "${id}" is already the operationId of ${first}`);
    else firstAt.set(id, at);
  }
  return violations;
}

function responseViolations(definition: Json, { at, operation }: OperationSite): string[] {
  const responses = operation['responses'];
  if (!isObject(responses) || Object.keys(responses).length === 0) return [`${at}.responses: every operation needs its responses`];
  const violations: string[] = [];
  const codes = Object.keys(responses).filter((code) => /^2\d\d$/.test(code));
  if (codes.length === 0) violations.push(`${at}.responses: every operation needs a success (2xx) response`);
  if (isObject(responses['default']) && responses['default']['schema'] !== undefined) violations.push(`${at}.responses.default: a default response must not carry a schema; certification asks for exact responses only`);
  for (const code of codes.filter((c) => c !== '204')) {
    const response = responses[code];
    if (!isObject(response)) continue;
    const schema = response['schema'];
    const target = resolve(definition, schema);
    if (schema === undefined) violations.push(`${at}.responses.${code}: a ${code} response needs a schema (certification allows no response without one)`);
    else if (isEmptySchema(target)) violations.push(`${at}.responses.${code}.schema: the response schema is empty (no properties, no items)`);
  }
  return violations;
}

function isEmptySchema(schema: Json | undefined): boolean {
  if (!schema) return false;
  const object = schema['type'] === 'object' || schema['type'] === undefined;
  const properties = isObject(schema['properties']) ? Object.keys(schema['properties']).length : 0;
  return object && properties === 0 && schema['items'] === undefined && schema['allOf'] === undefined && !isObject(schema['additionalProperties']);
}

function triggerViolations(definition: Json, { at, path, operation, pathItem }: OperationSite): string[] {
  const callbacks = callbackFields(definition, operation, at);
  if (callbacks.length === 0) return [];
  const violations: string[] = [];
  if (operation['x-ms-trigger'] === undefined) violations.push(`${at}: an operation with an x-ms-notification-url field subscribes a webhook and needs x-ms-trigger`);
  if (!isObject(pathItem['x-ms-notification-content'])) violations.push(`paths.${path}: a webhook trigger needs x-ms-notification-content on its path item (the payload the flow receives)`);
  if (callbacks.length > 1) violations.push(`${at}: a webhook trigger must mark exactly one field x-ms-notification-url, not ${callbacks.length}`);
  for (const callback of callbacks) {
    if (callback.schema['type'] !== 'string') violations.push(`${callback.at}: the x-ms-notification-url field must be a string`);
    if (callback.schema['x-ms-visibility'] !== 'internal') violations.push(`${callback.at}: the x-ms-notification-url field must be x-ms-visibility internal (the platform fills it)`);
    if (!callback.required) violations.push(`${callback.at}: the x-ms-notification-url field must be required`);
  }
  return violations;
}

/** The body fields marked x-ms-notification-url, with whether their parent object requires them. */
function callbackFields(definition: Json, operation: Json, at: string): Array<{ at: string; schema: Json; required: boolean }> {
  return parametersOf(operation).flatMap((parameter, i) =>
    parameter['in'] !== 'body'
      ? []
      : fieldsReachable(definition, parameter['schema'], `${parameterAt(at, parameter, i)}.schema`, new Set())
          .filter((field) => field.schema['x-ms-notification-url'] !== undefined)
          .map((field) => ({ at: field.at, schema: field.schema, required: Array.isArray(field.parent['required']) && field.parent['required'].includes(field.field) })),
  );
}

function orphanNotificationViolations(definition: Json, sites: OperationSite[]): string[] {
  const violations: string[] = [];
  for (const [path, pathItem] of Object.entries(isObject(definition['paths']) ? definition['paths'] : {})) {
    if (!isObject(pathItem) || pathItem['x-ms-notification-content'] === undefined) continue;
    if (!sites.some((site) => site.path === path && site.operation['x-ms-trigger'] !== undefined)) {
      violations.push(`paths.${path}: x-ms-notification-content stands beside no x-ms-trigger operation`);
    }
  }
  return violations;
}
