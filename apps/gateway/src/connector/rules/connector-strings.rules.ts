import { fieldsReachable, isObject, nodesOf, operationsOf, parameterAt, parametersOf, resolve, type Json } from './definition-walk';

/**
 * The strings users read in the designer, held to "Define operation and parameter summaries and
 * descriptions" of Microsoft's certification submission: summaries are phrases of at most 80
 * characters made of letters, digits and parentheses only; descriptions are full sentences ending
 * in punctuation; none names a Microsoft product. Every parameter and every payload field carries
 * both, because the designer shows the one as the label and the other as the hint.
 */
const PRODUCT_NAMES = /\b(power\s*automate|microsoft\s*flow|logic\s*apps?|power\s*apps|power\s*platform|power\s*bi|power\s*pages|copilot\s*studio|microsoft)\b/i;
const VISIBLE_KEYS = ['summary', 'description', 'x-ms-summary', 'x-ms-trigger-hint', 'title'];

export function productNameIn(text: string): string | undefined {
  return PRODUCT_NAMES.exec(text)?.[0];
}

export function stringViolations(definition: Json): string[] {
  return [...productNameViolations(definition), ...labelViolations(definition)];
}

function productNameViolations(definition: Json): string[] {
  const violations: string[] = [];
  const check = (at: string, text: unknown) => {
    const product = typeof text === 'string' ? productNameIn(text) : undefined;
    if (product) violations.push(`${at}: must not name a Microsoft product ("${product}")`);
  };
  for (const { at, place, node } of nodesOf(definition)) {
    for (const key of VISIBLE_KEYS) if (!(place === 'info' && key === 'title')) check(`${at}.${key}`, node[key]);
    const content = node['x-ms-notification-content'];
    if (isObject(content)) check(`${at}.x-ms-notification-content.description`, content['description']);
  }
  return violations;
}

function labelViolations(definition: Json): string[] {
  const violations: string[] = [];
  const seen = new Set<string>();
  const fields = (schema: unknown, at: string) => {
    for (const field of fieldsReachable(definition, schema, at, seen)) violations.push(...labelled(definition, field.at, field.schema));
  };
  const parameter = (node: Json, at: string) => {
    violations.push(...labelled(definition, at, node));
    if (node['in'] === 'body') fields(node['schema'], `${at}.schema`);
  };
  // A $ref'd parameter is checked once, where #/parameters defines it.
  const parameters = (owner: Json, at: string) => parametersOf(owner).forEach((node, i) => node['$ref'] === undefined && parameter(node, parameterAt(at, node, i)));

  for (const [name, node] of Object.entries(isObject(definition['parameters']) ? definition['parameters'] : {})) if (isObject(node)) parameter(node, `parameters.${name}`);

  for (const [path, pathItem] of Object.entries(isObject(definition['paths']) ? definition['paths'] : {})) {
    if (!isObject(pathItem)) continue;
    parameters(pathItem, `paths.${path}`);
    const content = pathItem['x-ms-notification-content'];
    if (isObject(content)) fields(content['schema'], `paths.${path}.x-ms-notification-content.schema`);
  }
  for (const site of operationsOf(definition)) {
    const { operation, at } = site;
    violations.push(...(operation['summary'] === undefined ? [`${at}.summary: every operation needs a summary (its name in the designer)`] : summaryViolations(`${at}.summary`, operation['summary'])));
    violations.push(...(operation['description'] === undefined ? [`${at}.description: every operation needs a description`] : descriptionViolations(`${at}.description`, operation['description'])));
    parameters(operation, at);
    for (const [code, response] of Object.entries(isObject(operation['responses']) ? operation['responses'] : {})) {
      if (isObject(response)) fields(response['schema'], `${at}.responses.${code}.schema`);
    }
  }
  return violations;
}

/** A parameter or field: x-ms-summary is its label, description its hint; a $ref may carry both on its target. */
function labelled(definition: Json, at: string, node: Json): string[] {
  const carrier = (key: string) => (node[key] !== undefined ? node : node['$ref'] !== undefined ? resolve(definition, node) : undefined);
  const summaryCarrier = carrier('x-ms-summary');
  const descriptionCarrier = carrier('description');
  return [
    ...(summaryCarrier?.['x-ms-summary'] === undefined ? [`${at}: needs an x-ms-summary (the label the designer shows)`] : summaryViolations(`${at}.x-ms-summary`, summaryCarrier['x-ms-summary'])),
    ...(descriptionCarrier?.['description'] === undefined ? [`${at}: needs a description (the hint the designer shows)`] : descriptionViolations(`${at}.description`, descriptionCarrier['description'])),
  ];
}

export function summaryViolations(at: string, summary: unknown): string[] {
  if (typeof summary !== 'string' || summary.trim() === '') return [`${at}: a summary must be a non-empty string`];
  const violations: string[] = [];
  if (summary.length > 80) violations.push(`${at}: "${summary}" is ${summary.length} characters; summaries are at most 80`);
  const others = [...new Set(summary.replace(/[A-Za-z0-9 ()]/g, ''))];
  if (others.length > 0) violations.push(`${at}: "${summary}" contains ${others.map((c) => JSON.stringify(c)).join(' ')}; summaries may hold only letters, digits, spaces and parentheses`);
  if (summary !== summary.trim()) violations.push(`${at}: "${summary}" starts or ends with a space`);
  return violations;
}

export function descriptionViolations(at: string, description: unknown): string[] {
  if (typeof description !== 'string' || description.trim() === '') return [`${at}: a description must be a non-empty sentence`];
  return /[.!?]$/.test(description) ? [] : [`${at}: "${description}" must be a full sentence ending in . ! or ?`];
}
