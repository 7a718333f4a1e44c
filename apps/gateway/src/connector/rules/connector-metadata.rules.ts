import { isObject, operationsOf, type Json } from './definition-walk';
import { productNameIn } from './connector-strings.rules';

/**
 * What the certification submission asks of the connector as a whole ("Give your connector a
 * title", "Write a description", "Add metadata"): the catalogue shows these, and Microsoft
 * publishes them in the connector's documentation page.
 */
export const CATEGORIES = [
  'AI', 'Business Management', 'Business Intelligence', 'Collaboration', 'Commerce', 'Communication', 'Content and Files', 'Finance', 'Data',
  'Human Resources', 'Internet of Things', 'IT Operations', 'Lifestyle and Entertainment', 'Marketing', 'Productivity', 'Sales and CRM', 'Security',
  'Social Media', 'Website',
];
const REQUIRED_METADATA = ['Website', 'Privacy policy', 'Categories'];

export const isHttpUrl = (value: unknown): boolean => typeof value === 'string' && /^https?:\/\/[^\s/]+\.[^\s]+$/.test(value);

export function metadataViolations(definition: Json): string[] {
  return [...infoViolations(definition['info']), ...connectorMetadataViolations(definition['x-ms-connector-metadata']), ...capabilitiesViolations(definition)];
}

function infoViolations(info: unknown): string[] {
  if (!isObject(info)) return ['info: the definition needs an info object with title, description, version and contact'];
  const violations: string[] = [];
  const title = info['title'];
  if (typeof title !== 'string' || title.trim() === '') violations.push('info.title: the connector needs a title');
  else {
    if (title.length > 30) violations.push(`info.title: the title is ${title.length} characters; certification allows at most 30`);
    if (/\b(api|connector)\b/i.test(title)) violations.push('info.title: the title must not contain the words "API" or "Connector"');
    if (!/[A-Za-z0-9]$/.test(title)) violations.push('info.title: the title must end in a letter or digit');
    const product = productNameIn(title);
    if (product) violations.push(`info.title: the title must not name a Microsoft product ("${product}")`);
  }
  const description = info['description'];
  if (typeof description !== 'string' || description.trim() === '') violations.push('info.description: the connector needs a description');
  else {
    if (description.length < 30 || description.length > 500) violations.push(`info.description: the description is ${description.length} characters; certification asks for 30 to 500`);
    if (/\bapi\b/i.test(description)) violations.push('info.description: the description must not contain the word "API"');
  }
  if (typeof info['version'] !== 'string') violations.push('info.version: the definition needs a version string');
  violations.push(...contactViolations(info['contact']));
  return violations;
}

function contactViolations(contact: unknown): string[] {
  if (!isObject(contact)) return ['info.contact: certification requires a contact with name, url and email (the support team users reach)'];
  const violations: string[] = [];
  if (typeof contact['name'] !== 'string' || contact['name'].trim() === '') violations.push('info.contact.name: the contact needs the name of the support team');
  if (!isHttpUrl(contact['url'])) violations.push('info.contact.url: the contact needs the URL of the support website');
  if (typeof contact['email'] !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(contact['email'])) violations.push('info.contact.email: the contact needs a support email address');
  return violations;
}

function connectorMetadataViolations(metadata: unknown): string[] {
  const at = 'x-ms-connector-metadata';
  if (metadata === undefined) return [`${at}: certification requires x-ms-connector-metadata with the Website, Privacy policy and Categories entries`];
  if (!Array.isArray(metadata)) return [`${at}: x-ms-connector-metadata must be an array of {propertyName, propertyValue}`];
  const violations: string[] = [];
  const values = new Map<string, string>();
  metadata.forEach((entry, i) => {
    if (!isObject(entry) || typeof entry['propertyName'] !== 'string' || typeof entry['propertyValue'] !== 'string') {
      violations.push(`${at}.${i}: each entry must be {propertyName, propertyValue} with string values`);
      return;
    }
    if (values.has(entry['propertyName'])) violations.push(`${at}.${i}: ${entry['propertyName']} appears more than once`);
    values.set(entry['propertyName'], entry['propertyValue']);
  });
  for (const name of REQUIRED_METADATA.filter((n) => !values.has(n))) violations.push(`${at}: certification requires the "${name}" entry`);
  for (const name of ['Website', 'Privacy policy']) {
    if (values.has(name) && !isHttpUrl(values.get(name))) violations.push(`${at}: "${name}" must be a URL`);
  }
  const categories = values.get('Categories');
  if (categories !== undefined) {
    const list = categories.split(';').map((c) => c.trim());
    if (list.length > 2) violations.push(`${at}: "Categories" may name at most two categories`);
    for (const category of list.filter((c) => !CATEGORIES.includes(c))) violations.push(`${at}: "${category}" is not one of the certification categories (${CATEGORIES.join(', ')})`);
  }
  return violations;
}

/** The document-level x-ms-capabilities: a file picker, or the operation testing a new connection. */
function capabilitiesViolations(definition: Json): string[] {
  const capabilities = definition['x-ms-capabilities'];
  if (capabilities === undefined) return [];
  const at = 'x-ms-capabilities';
  if (!isObject(capabilities)) return [`${at}: x-ms-capabilities must be an object`];
  const operationIds = new Set(operationsOf(definition).map((site) => site.operation['operationId']));
  const violations: string[] = [];
  for (const [key, value] of Object.entries(capabilities)) {
    if (key === 'testConnection') violations.push(...operationCall(`${at}.testConnection`, value, operationIds, ['operationId', 'parameters']));
    else if (key === 'file-picker') {
      if (!isObject(value)) violations.push(`${at}.file-picker: file-picker must be an object with open`);
      else {
        violations.push(...operationCall(`${at}.file-picker.open`, value['open'], operationIds, ['operationId', 'parameters']));
        if (value['browse'] !== undefined) violations.push(...operationCall(`${at}.file-picker.browse`, value['browse'], operationIds, ['operationId', 'parameters']));
      }
    } else violations.push(`${at}: x-ms-capabilities may hold only testConnection and file-picker, not ${key}`);
  }
  return violations;
}

function operationCall(at: string, value: unknown, operationIds: Set<unknown>, keys: string[]): string[] {
  if (!isObject(value) || typeof value['operationId'] !== 'string') return [`${at}: needs an operationId`];
  const violations = Object.keys(value).filter((k) => !keys.includes(k)).map((k) => `${at}: may hold only ${keys.join(' and ')}, not ${k}`);
  if (!operationIds.has(value['operationId'])) violations.push(`${at}.operationId: no operation has the operationId ${value['operationId']}`);
  if (value['parameters'] !== undefined && !isObject(value['parameters'])) violations.push(`${at}.parameters: parameters must be an object`);
  return violations;
}
