import { isObject, type Json } from './definition-walk';
import { productNameIn } from './connector-strings.rules';
import { policyTemplateViolations } from './policy-templates.rules';

/**
 * apiProperties.json as Microsoft's paconn-apiProperties.schema.json defines it, plus what the
 * certification submission adds: publisher and stackOwner ("Add metadata"), and an icon brand
 * colour that is neither white (#ffffff) nor the default blue (#007ee5).
 */
const PROPERTY_KEYS = ['iconBrandColor', 'publisher', 'stackOwner', 'capabilities', 'connectionParameters', 'policyTemplateInstances'];
const FORBIDDEN_COLOURS = ['#ffffff', '#007ee5'];
const PRIMITIVE_TYPES = ['string', 'securestring', 'int', 'bool'];
const PARAMETER_KEYS: Record<string, string[]> = {
  primitive: ['type', 'allowedValues', 'defaultValue', 'uiDefinition'],
  gatewaySetting: ['type', 'uiDefinition'],
  oauthSetting: ['type', 'oAuthSettings', 'uiDefinition'],
};
const UI_KEYS = ['displayName', 'description', 'tooltip', 'tabIndex', 'constraints'];
const CONSTRAINT_TYPES: Record<string, string> = { clearText: 'boolean', required: 'string', tabIndex: 'number', hidden: 'string', capability: 'array', allowedValues: 'array', dependencies: 'object' };
const SECRET_NAME = /key|secret|password|token/i;

export function apiPropertiesFileViolations(document: object): string[] {
  const root = document as Json;
  const violations = Object.keys(root).filter((k) => k !== '$schema' && k !== 'properties').map((k) => `(apiProperties): may hold only $schema and properties, not ${k}`);
  const properties = root['properties'];
  if (!isObject(properties)) return [...violations, 'properties: apiProperties.json needs a properties object'];
  violations.push(...Object.keys(properties).filter((k) => !PROPERTY_KEYS.includes(k)).map((k) => `properties.${k}: Microsoft's apiProperties schema has no property ${k}`));
  violations.push(...brandColourViolations(properties['iconBrandColor']));
  for (const key of ['publisher', 'stackOwner']) violations.push(...ownerViolations(key, properties[key]));
  violations.push(...capabilitiesViolations(properties['capabilities']));
  violations.push(...connectionParametersViolations(properties['connectionParameters']));
  violations.push(...policyTemplateViolations(properties['policyTemplateInstances'], isObject(properties['connectionParameters']) ? Object.keys(properties['connectionParameters']) : []));
  return violations;
}

function brandColourViolations(colour: unknown): string[] {
  const at = 'properties.iconBrandColor';
  if (colour === undefined) return [`${at}: iconBrandColor is required`];
  if (typeof colour !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(colour)) return [`${at}: ${JSON.stringify(colour)} must be a colour as #RRGGBB`];
  return FORBIDDEN_COLOURS.includes(colour.toLowerCase()) ? [`${at}: ${colour} is refused by certification (the icon background may be neither white nor the default #007ee5)`] : [];
}

function ownerViolations(key: string, value: unknown): string[] {
  const at = `properties.${key}`;
  if (value === undefined) return [`${at}: certification requires ${key}`];
  return typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9 ]*$/.test(value) ? [] : [`${at}: ${key} must be a name in letters, digits and spaces`];
}

function capabilitiesViolations(capabilities: unknown): string[] {
  const at = 'properties.capabilities';
  // Required, but may be empty: certified API-key connectors ship [] (the operations say what they are).
  if (capabilities === undefined) return [`${at}: capabilities is required (an array, empty or of capability names)`];
  if (!Array.isArray(capabilities) || capabilities.some((c) => typeof c !== 'string' || c === '')) return [`${at}: capabilities must be an array of capability names`];
  return [];
}

function connectionParametersViolations(parameters: unknown): string[] {
  const at = 'properties.connectionParameters';
  if (parameters === undefined) return [`${at}: connectionParameters is required (the connection dialog's fields)`];
  if (!isObject(parameters)) return [`${at}: connectionParameters must be an object`];
  return Object.entries(parameters).flatMap(([name, parameter]) => connectionParameterViolations(`${at}.${name}`, name, parameter));
}

function connectionParameterViolations(at: string, name: string, parameter: unknown): string[] {
  if (!/^[0-9a-zA-Z_]+(:[0-9a-zA-Z_]+)?$/.test(name)) return [`${at}: a connection parameter name may hold only letters, digits and underscores`];
  if (!isObject(parameter)) return [`${at}: a connection parameter must be an object with a type`];
  const type = parameter['type'];
  const kind = typeof type === 'string' && PRIMITIVE_TYPES.includes(type) ? 'primitive' : (type as string);
  if (!PARAMETER_KEYS[kind]) return [`${at}.type: ${JSON.stringify(type)} must be one of ${[...PRIMITIVE_TYPES, 'gatewaySetting', 'oauthSetting'].join(', ')}`];
  const violations = Object.keys(parameter).filter((k) => !PARAMETER_KEYS[kind].includes(k)).map((k) => `${at}: a ${String(type)} connection parameter may not hold ${k}`);
  if (SECRET_NAME.test(name) && name !== 'token:TenantId' && kind === 'primitive' && type !== 'securestring') violations.push(`${at}.type: ${name} holds a secret and must be securestring, not ${String(type)}`);
  violations.push(...uiDefinitionViolations(`${at}.uiDefinition`, parameter['uiDefinition']));
  const ui = parameter['uiDefinition'];
  if (type === 'securestring' && isObject(ui) && isObject(ui['constraints']) && ui['constraints']['clearText'] === true) {
    violations.push(`${at}.uiDefinition.constraints.clearText: a securestring must not be shown in clear text`);
  }
  return violations;
}

function uiDefinitionViolations(at: string, ui: unknown): string[] {
  if (ui === undefined) return [];
  if (!isObject(ui)) return [`${at}: uiDefinition must be an object`];
  const violations = Object.keys(ui).filter((k) => !UI_KEYS.includes(k)).map((k) => `${at}: uiDefinition may not hold ${k}`);
  for (const key of ['displayName', 'description', 'tooltip']) {
    const text = ui[key];
    if (text !== undefined && typeof text !== 'string') violations.push(`${at}.${key}: must be a string`);
    const product = typeof text === 'string' ? productNameIn(text) : undefined;
    if (product) violations.push(`${at}.${key}: must not name a Microsoft product ("${product}")`);
  }
  const constraints = ui['constraints'];
  if (constraints === undefined) return violations;
  if (!isObject(constraints)) return [...violations, `${at}.constraints: constraints must be an object`];
  for (const [key, value] of Object.entries(constraints)) {
    const expected = CONSTRAINT_TYPES[key];
    const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    if (!expected) violations.push(`${at}.constraints: constraints may not hold ${key}`);
    else if (actual !== expected) violations.push(`${at}.constraints.${key}: must be a ${expected}${key === 'required' || key === 'hidden' ? ' ("true" or "false")' : ''}, not ${actual}`);
  }
  return violations;
}
