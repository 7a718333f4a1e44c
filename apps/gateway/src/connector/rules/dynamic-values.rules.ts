import { isObject, nodesOf, operationsOf, parametersOf, resolve, type Json } from './definition-walk';

/**
 * x-ms-dynamic-values turns a parameter into a picker: the designer calls another operation and
 * lists `value-collection` (an array in its answer), showing each item's `value-title` and
 * passing on its `value-path`. A name that does not resolve leaves the user an empty list, which
 * nothing else catches before a maker opens the designer.
 */
const KEYS = ['operationId', 'builtInOperation', 'capability', 'parameters', 'value-collection', 'value-path', 'value-title'];

export function dynamicValuesViolations(definition: Json): string[] {
  const operations = new Map(operationsOf(definition).map((site) => [site.operation['operationId'], site.operation]));
  return nodesOf(definition)
    .filter(({ node }) => node['x-ms-dynamic-values'] !== undefined)
    .flatMap(({ at, node }) => pickerViolations(definition, `${at}.x-ms-dynamic-values`, node['x-ms-dynamic-values'], operations));
}

function pickerViolations(definition: Json, at: string, picker: unknown, operations: Map<unknown, Json>): string[] {
  if (!isObject(picker)) return [`${at}: x-ms-dynamic-values must be an object`];
  const violations = Object.keys(picker).filter((k) => !KEYS.includes(k)).map((k) => `${at}: x-ms-dynamic-values may not hold ${k}`);
  const sources = ['operationId', 'builtInOperation', 'capability'].filter((k) => picker[k] !== undefined);
  if (sources.length !== 1) return [...violations, `${at}: x-ms-dynamic-values needs exactly one of operationId, builtInOperation or capability`];
  for (const key of ['value-collection', 'value-path', 'value-title']) {
    if (picker[key] !== undefined && typeof picker[key] !== 'string') violations.push(`${at}.${key}: ${key} must be a path string`);
  }
  if (picker['operationId'] === undefined) return violations;
  for (const key of ['value-path', 'value-title']) if (picker[key] === undefined) violations.push(`${at}: x-ms-dynamic-values needs ${key}`);
  const target = operations.get(picker['operationId']);
  if (!target) return [...violations, `${at}.operationId: no operation has the operationId ${String(picker['operationId'])}`];
  return [...violations, ...parameterViolations(at, picker['parameters'], target), ...collectionViolations(definition, at, picker, target)];
}

/** The picker must fill the target's required parameters and name only parameters it has. */
function parameterViolations(at: string, parameters: unknown, target: Json): string[] {
  if (parameters !== undefined && !isObject(parameters)) return [`${at}.parameters: parameters must be an object`];
  const given = isObject(parameters) ? parameters : {};
  const known = parametersOf(target);
  const violations: string[] = [];
  for (const [name, value] of Object.entries(given)) {
    if (!known.some((p) => p['name'] === name)) violations.push(`${at}.parameters.${name}: ${String(target['operationId'])} has no parameter ${name}`);
    const literal = ['string', 'number', 'boolean'].includes(typeof value);
    if (!literal && !(isObject(value) && typeof value['parameter'] === 'string')) violations.push(`${at}.parameters.${name}: must be a literal or {parameter: name}`);
  }
  for (const parameter of known.filter((p) => p['required'] === true && given[p['name'] as string] === undefined)) {
    violations.push(`${at}.parameters: ${String(target['operationId'])} requires ${String(parameter['name'])}, which the picker does not pass`);
  }
  return violations;
}

function collectionViolations(definition: Json, at: string, picker: Json, target: Json): string[] {
  const responses = isObject(target['responses']) ? target['responses'] : {};
  const code = ['200', ...Object.keys(responses).filter((c) => /^2\d\d$/.test(c))].find((c) => isObject(responses[c]));
  const answer = code === undefined ? undefined : resolve(definition, (responses[code] as Json)['schema']);
  const id = String(target['operationId']);
  if (!answer) return [`${at}.operationId: ${id} declares no success response schema to list values from`];
  const collectionPath = typeof picker['value-collection'] === 'string' ? picker['value-collection'] : undefined;
  const collection = collectionPath === undefined ? answer : follow(definition, answer, collectionPath);
  if (!collection || collection['type'] !== 'array') {
    return [`${at}.value-collection: ${collectionPath === undefined ? `${id}'s answer is not an array (name its array with value-collection)` : `${id}'s answer has no array at "${collectionPath}"`}`];
  }
  const item = resolve(definition, collection['items']);
  return (['value-path', 'value-title'] as const)
    .filter((key) => typeof picker[key] === 'string' && !(item && follow(definition, item, picker[key] as string)))
    .map((key) => `${at}.${key}: the items of ${id}'s ${collectionPath ?? 'answer'} have no property "${String(picker[key])}"`);
}

/** A value path ("a/b") through object properties, $refs resolved on the way. */
function follow(definition: Json, schema: Json, path: string): Json | undefined {
  let node: Json | undefined = schema;
  for (const step of path.split('/').filter(Boolean)) {
    const properties: unknown = node?.['properties'];
    node = isObject(properties) ? resolve(definition, properties[step]) : undefined;
  }
  return node;
}
