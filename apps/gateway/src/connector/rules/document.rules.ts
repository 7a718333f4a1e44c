import { isObject, nodesOf, refName, type Json } from './definition-walk';

/** The Swagger 2.0 frame the connector importer insists on, and $refs that resolve. */
export function documentViolations(definition: Json): string[] {
  const violations: string[] = [];
  if (definition['swagger'] !== '2.0') violations.push('swagger: a connector definition must be Swagger "2.0" (OpenAPI 3 is refused on import)');
  if (!isObject(definition['paths'])) violations.push('paths: the definition needs paths');
  const host = definition['host'];
  if (host !== undefined && (typeof host !== 'string' || !/^[^{}/ :\\]+(?::\d+)?$/.test(host))) violations.push(`host: ${JSON.stringify(host)} must be a host name (and port), without scheme or path`);
  const basePath = definition['basePath'];
  if (basePath !== undefined && (typeof basePath !== 'string' || !basePath.startsWith('/'))) violations.push(`basePath: ${JSON.stringify(basePath)} must start with /`);
  const definitions = isObject(definition['definitions']) ? definition['definitions'] : {};
  for (const { at, place, node } of nodesOf(definition)) {
    if (place !== 'schema' || node['$ref'] === undefined) continue;
    const name = refName(node);
    if (name === undefined) violations.push(`${at}.$ref: ${JSON.stringify(node['$ref'])} must point at #/definitions/<name>`);
    else if (!isObject(definitions[name])) violations.push(`${at}.$ref: no definition is named ${name}`);
  }
  return violations;
}
