import { isObject, type Json, type Node, type Place } from './definition-walk';

/**
 * Where each x-ms-* extension may stand, as Microsoft's apiDefinition.swagger.schema.json puts it:
 * every object there lists the x-ms-* keys it accepts and refuses any other, so an extension in
 * the wrong place is ignored by the designer at best and fails `paconn validate` at worst.
 */
const PARAMETER_COMMON = ['x-ms-dynamic-list', 'x-ms-dynamic-values', 'x-ms-enum-values', 'x-ms-localizeDefaultValue', 'x-ms-parameter-location', 'x-ms-summary', 'x-ms-test-value', 'x-ms-trigger-value', 'x-ms-visibility'];

const ALLOWED: Record<Place, readonly string[]> = {
  document: ['x-ms-capabilities', 'x-ms-connector-metadata', 'x-ms-docs'],
  info: ['x-ms-deployment-version', 'x-ms-api-annotation'],
  contact: [],
  license: [],
  paths: [],
  'path item': ['x-ms-notification-content'],
  operation: ['x-ms-api-annotation', 'x-ms-capabilities', 'x-ms-no-generic-test', 'x-ms-operation-context', 'x-ms-pageable', 'x-ms-safe-operation', 'x-ms-summary', 'x-ms-trigger', 'x-ms-trigger-hint', 'x-ms-trigger-metadata', 'x-ms-notification', 'x-ms-visibility'],
  'body parameter': ['x-ms-dynamic-list', 'x-ms-dynamic-values', 'x-ms-summary', 'x-ms-test-value', 'x-ms-visibility'],
  'query parameter': [...PARAMETER_COMMON, 'x-ms-dynamic-tree', 'x-ms-url-encoding'],
  'header parameter': PARAMETER_COMMON,
  'formData parameter': PARAMETER_COMMON,
  'path parameter': [...PARAMETER_COMMON, 'x-ms-dynamic-tree', 'x-ms-skip-url-encoding', 'x-ms-url-encoding'],
  responses: [],
  response: ['x-ms-summary'],
  'response header': ['x-ms-summary', 'x-ms-visibility'],
  schema: ['x-ms-dynamic-list', 'x-ms-dynamic-values', 'x-ms-enum', 'x-ms-enum-values', 'x-ms-localizeDefaultValue', 'x-ms-media-kind', 'x-ms-notification-url', 'x-ms-summary', 'x-ms-test-value', 'x-ms-visibility', 'x-ms-dynamic-schema', 'x-ms-dynamic-properties', 'x-ms-dynamic-tree'],
  'security scheme': [],
};

const PLACES_OF = new Map<string, Place[]>();
for (const [place, keys] of Object.entries(ALLOWED) as Array<[Place, readonly string[]]>) {
  for (const key of keys) PLACES_OF.set(key, [...(PLACES_OF.get(key) ?? []), place]);
}

export function placementViolations(nodes: Node[]): string[] {
  const violations: string[] = [];
  for (const { at, place, node } of nodes) {
    for (const key of Object.keys(node).filter((k) => k.startsWith('x-ms-'))) {
      if (ALLOWED[place].includes(key)) violations.push(...valueViolations(at, place, key, node[key]));
      else violations.push(`${at}: ${misplaced(key, place)}`);
    }
  }
  return violations;
}

function misplaced(key: string, place: Place): string {
  if (key === 'x-ms-notification-content') return 'x-ms-notification-content is allowed only on the path item, beside the operation';
  const places = PLACES_OF.get(key);
  if (!places) return `${key} is not an extension Microsoft's connector schema knows`;
  return `${key} is not allowed on a ${place}; Microsoft's connector schema allows it only on: ${places.join(', ')}`;
}

const VISIBILITY = ['important', 'advanced', 'internal'];
const TRIGGER = ['single', 'batch'];

function valueViolations(at: string, place: Place, key: string, value: unknown): string[] {
  const where = `${at}.${key}`;
  switch (key) {
    case 'x-ms-visibility':
      return VISIBILITY.includes(value as string) ? [] : [`${where}: x-ms-visibility must be one of ${VISIBILITY.join(', ')}`];
    case 'x-ms-trigger':
      return TRIGGER.includes(value as string) ? [] : [`${where}: x-ms-trigger must be one of ${TRIGGER.join(', ')}`];
    case 'x-ms-summary':
    case 'x-ms-trigger-hint':
      return typeof value === 'string' ? [] : [`${where}: ${key} must be a string`];
    case 'x-ms-notification-url':
      return value === true ? [] : [`${where}: x-ms-notification-url must be true`];
    case 'x-ms-notification-content':
      return notificationContentViolations(where, value);
    case 'x-ms-capabilities':
      return place === 'operation' ? operationCapabilitiesViolations(where, value) : [];
    default:
      return [];
  }
}

function notificationContentViolations(where: string, value: unknown): string[] {
  if (!isObject(value)) return [`${where}: x-ms-notification-content must be an object with schema and an optional description`];
  const violations = Object.keys(value)
    .filter((k) => k !== 'schema' && k !== 'description')
    .map((k) => `${where}: x-ms-notification-content may hold only schema and description, not ${k}`);
  if (!isObject(value['schema'])) violations.push(`${where}: x-ms-notification-content needs a schema (the payload the flow receives)`);
  if (value['description'] !== undefined && typeof value['description'] !== 'string') violations.push(`${where}: x-ms-notification-content description must be a string`);
  return violations;
}

function operationCapabilitiesViolations(where: string, value: unknown): string[] {
  if (!isObject(value)) return [`${where}: an operation's x-ms-capabilities must be an object`];
  return Object.entries(value as Json).flatMap(([k, v]) => {
    if (k !== 'chunkTransfer') return [`${where}: an operation's x-ms-capabilities may hold only chunkTransfer, not ${k}`];
    return typeof v === 'boolean' ? [] : [`${where}.chunkTransfer: chunkTransfer must be a boolean`];
  });
}
