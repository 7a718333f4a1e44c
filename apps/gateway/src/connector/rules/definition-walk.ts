/**
 * Walking a Swagger 2.0 connector definition: every node with the place Microsoft's connector
 * schema gives it (an x-ms-* extension is legal in some places only), and the JSON path a
 * violation names.
 */
export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

export type Place =
  | 'document'
  | 'info'
  | 'contact'
  | 'license'
  | 'paths'
  | 'path item'
  | 'operation'
  | 'body parameter'
  | 'query parameter'
  | 'header parameter'
  | 'path parameter'
  | 'formData parameter'
  | 'responses'
  | 'response'
  | 'response header'
  | 'schema'
  | 'security scheme';

export interface Node {
  at: string;
  place: Place;
  node: Json;
}

export interface OperationSite {
  at: string;
  path: string;
  method: string;
  operation: Json;
  pathItem: Json;
}

export function operationsOf(definition: Json): OperationSite[] {
  const sites: OperationSite[] = [];
  for (const [path, pathItem] of Object.entries(asObject(definition['paths']))) {
    if (!path.startsWith('/') || !isObject(pathItem)) continue;
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (isObject(operation)) sites.push({ at: `paths.${path}.${method}`, path, method, operation, pathItem });
    }
  }
  return sites;
}

export function parametersOf(operation: Json): Json[] {
  return Array.isArray(operation['parameters']) ? operation['parameters'].filter(isObject) : [];
}

/** Where a parameter's path says it is: by name, so a violation reads like the designer. */
export function parameterAt(at: string, parameter: Json, index: number): string {
  return `${at}.parameters.${typeof parameter['name'] === 'string' ? parameter['name'] : index}`;
}

/** `#/definitions/Name` → Name; connectors may only point at #/definitions, #/parameters, #/responses. */
export function refName(schema: Json): string | undefined {
  const ref = schema['$ref'];
  return typeof ref === 'string' && ref.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : undefined;
}

/** The schema itself, or the definition its $ref names (undefined when that definition is missing). */
export function resolve(definition: Json, schema: unknown): Json | undefined {
  if (!isObject(schema)) return undefined;
  if (schema['$ref'] === undefined) return schema;
  const name = refName(schema);
  const target = name === undefined ? undefined : asObject(definition['definitions'])[name];
  return isObject(target) ? target : undefined;
}

/** The sub-schemas of one schema node, each with its path and, for properties, its field name. */
export function schemaChildren(schema: Json, at: string): Array<{ at: string; schema: Json; field?: string }> {
  const children: Array<{ at: string; schema: Json; field?: string }> = [];
  for (const [name, property] of Object.entries(asObject(schema['properties']))) {
    if (isObject(property)) children.push({ at: `${at}.properties.${name}`, schema: property, field: name });
  }
  const items = schema['items'];
  if (isObject(items)) children.push({ at: `${at}.items`, schema: items });
  else if (Array.isArray(items)) items.forEach((item, i) => isObject(item) && children.push({ at: `${at}.items.${i}`, schema: item }));
  if (Array.isArray(schema['allOf'])) schema['allOf'].forEach((part, i) => isObject(part) && children.push({ at: `${at}.allOf.${i}`, schema: part }));
  if (isObject(schema['additionalProperties'])) children.push({ at: `${at}.additionalProperties`, schema: schema['additionalProperties'] });
  return children;
}

/**
 * Every field (a named property) reachable from `schema`, $refs followed once each: a field of a
 * shared definition is reported once, at the definition's own path.
 */
export interface Field {
  at: string;
  schema: Json;
  field: string;
  /** The object schema whose `properties` hold this field (its `required` says whether the field is). */
  parent: Json;
}

export function fieldsReachable(definition: Json, schema: unknown, at: string, seen: Set<string>): Field[] {
  if (!isObject(schema)) return [];
  const name = refName(schema);
  if (name !== undefined) {
    if (seen.has(name)) return [];
    seen.add(name);
    return fieldsReachable(definition, resolve(definition, schema), `definitions.${name}`, seen);
  }
  return schemaChildren(schema, at).flatMap((child) => [
    ...(child.field === undefined ? [] : [{ at: child.at, schema: child.schema, field: child.field, parent: schema }]),
    ...fieldsReachable(definition, child.schema, child.at, seen),
  ]);
}

/** Every node of the document with its place, without following $refs (each node once). */
export function nodesOf(definition: Json): Node[] {
  const nodes: Node[] = [{ at: '(document)', place: 'document', node: definition }];
  const info = definition['info'];
  if (isObject(info)) {
    nodes.push({ at: 'info', place: 'info', node: info });
    if (isObject(info['contact'])) nodes.push({ at: 'info.contact', place: 'contact', node: info['contact'] });
    if (isObject(info['license'])) nodes.push({ at: 'info.license', place: 'license', node: info['license'] });
  }
  if (isObject(definition['paths'])) nodes.push({ at: 'paths', place: 'paths', node: definition['paths'] });
  for (const [path, pathItem] of Object.entries(asObject(definition['paths']))) {
    if (!path.startsWith('/') || !isObject(pathItem)) continue;
    const at = `paths.${path}`;
    nodes.push({ at, place: 'path item', node: pathItem });
    parametersOf(pathItem).forEach((parameter, i) => nodes.push(...parameterNodes(parameter, parameterAt(at, parameter, i))));
    const content = pathItem['x-ms-notification-content'];
    if (isObject(content) && isObject(content['schema'])) nodes.push(...schemaNodes(content['schema'], `${at}.x-ms-notification-content.schema`));
  }
  for (const site of operationsOf(definition)) {
    nodes.push({ at: site.at, place: 'operation', node: site.operation });
    parametersOf(site.operation).forEach((parameter, i) => nodes.push(...parameterNodes(parameter, parameterAt(site.at, parameter, i))));
    if (isObject(site.operation['responses'])) nodes.push(...responsesNodes(site.operation['responses'], `${site.at}.responses`));
  }
  for (const [name, schema] of Object.entries(asObject(definition['definitions']))) {
    if (isObject(schema)) nodes.push(...schemaNodes(schema, `definitions.${name}`));
  }
  for (const [name, parameter] of Object.entries(asObject(definition['parameters']))) {
    if (isObject(parameter)) nodes.push(...parameterNodes(parameter, `parameters.${name}`));
  }
  for (const [code, response] of Object.entries(asObject(definition['responses']))) {
    if (isObject(response)) nodes.push(...responseNodes(response, `responses.${code}`));
  }
  for (const [name, scheme] of Object.entries(asObject(definition['securityDefinitions']))) {
    if (isObject(scheme)) nodes.push({ at: `securityDefinitions.${name}`, place: 'security scheme', node: scheme });
  }
  return nodes;
}

function parameterNodes(parameter: Json, at: string): Node[] {
  if (parameter['in'] === 'body') {
    return [{ at, place: 'body parameter', node: parameter }, ...(isObject(parameter['schema']) ? schemaNodes(parameter['schema'], `${at}.schema`) : [])];
  }
  const where = typeof parameter['in'] === 'string' ? parameter['in'] : 'query';
  const place = (['query', 'header', 'path', 'formData'].includes(where) ? `${where} parameter` : 'query parameter') as Place;
  return [{ at, place, node: parameter }];
}

function responsesNodes(responses: Json, at: string): Node[] {
  const nodes: Node[] = [{ at, place: 'responses', node: responses }];
  for (const [code, response] of Object.entries(responses)) {
    if (/^(\d{3}|default)$/.test(code) && isObject(response)) nodes.push(...responseNodes(response, `${at}.${code}`));
  }
  return nodes;
}

function responseNodes(response: Json, at: string): Node[] {
  const nodes: Node[] = [{ at, place: 'response', node: response }];
  if (isObject(response['schema'])) nodes.push(...schemaNodes(response['schema'], `${at}.schema`));
  for (const [name, header] of Object.entries(asObject(response['headers']))) {
    if (isObject(header)) nodes.push({ at: `${at}.headers.${name}`, place: 'response header', node: header });
  }
  return nodes;
}

function schemaNodes(schema: Json, at: string): Node[] {
  return [{ at, place: 'schema', node: schema }, ...schemaChildren(schema, at).flatMap((child) => schemaNodes(child.schema, child.at))];
}

export function asObject(value: unknown): Json {
  return isObject(value) ? value : {};
}
