import { TRIGGER_CATALOGUE, type TriggerDefinition } from '@tripline/contracts';
import { z } from 'zod';

/**
 * Checks an example flow (docs/examples/*.json) against the connector it documents: a flow that
 * names a trigger, parameter or payload field Tripline does not have would fail in the designer
 * for whoever copies it, so the contracts, not the example's author, decide what is right.
 */

export const WORKFLOW_SCHEMA = 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#';

/** The connector's operationId of a trigger: `On` + the name in PascalCase. */
export function triggerOperationId(name: string): string {
  return `On${name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())}`;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Top-level properties of a zod object as a client sends it (input) or receives it (output). */
function properties(schema: z.ZodType, io: 'input' | 'output'): { names: string[]; required: string[] } {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as { properties?: Json; required?: string[] };
  return { names: Object.keys(json.properties ?? {}), required: json.required ?? [] };
}

/**
 * Payload fields the actions read: `triggerOutputs()?['body/<field>']` (what the designer writes
 * for dynamic content) and `triggerBody()?['<field>']`. Only the top-level field counts: the
 * payload is flat except `components`, whose items the connector's schema describes.
 */
export function referencedPayloadFields(actions: unknown): string[] {
  const fields = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const m of value.matchAll(/triggerOutputs\(\)\??\[\s*'body\/([^'/]+)/g)) fields.add(m[1]);
      for (const m of value.matchAll(/triggerBody\(\)\??\[\s*'([^'/]+)/g)) fields.add(m[1]);
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (isObject(value)) {
      Object.values(value).forEach(visit);
    }
  };
  visit(actions);
  return [...fields];
}

/** Everything wrong with one example flow definition; empty when it is right. */
export function flowExampleProblems(definition: unknown): string[] {
  if (!isObject(definition)) return ['is not a JSON object'];
  const problems: string[] = [];
  if (definition['$schema'] !== WORKFLOW_SCHEMA) problems.push(`$schema is not ${WORKFLOW_SCHEMA}`);
  if (typeof definition['contentVersion'] !== 'string') problems.push('has no contentVersion');
  const parameters = definition['parameters'];
  for (const name of ['$connections', '$authentication']) {
    if (!isObject(parameters) || !isObject(parameters[name])) problems.push(`declares no ${name} parameter`);
  }
  const { triggers, actions } = definition;
  if (!isObject(triggers)) return [...problems, 'has no triggers'];
  if (!isObject(actions)) return [...problems, 'has no actions'];

  const actionNames = Object.keys(actions);
  if (actionNames.length !== 1) problems.push(`has ${actionNames.length} actions, not one`);

  const triggerEntries = Object.entries(triggers);
  if (triggerEntries.length !== 1) return [...problems, `has ${triggerEntries.length} triggers, not one`];
  const [triggerKey, trigger] = triggerEntries[0];
  if (!isObject(trigger) || trigger['type'] !== 'OpenApiConnectionWebhook') {
    return [...problems, `trigger ${triggerKey} is not of type OpenApiConnectionWebhook`];
  }
  const inputs = isObject(trigger['inputs']) ? trigger['inputs'] : {};
  const host = isObject(inputs['host']) ? inputs['host'] : {};
  for (const key of ['connectionName', 'apiId']) {
    if (typeof host[key] !== 'string' || host[key] === '') problems.push(`trigger has no host.${key}`);
  }
  const operationId = host['operationId'];
  const definitionOfTrigger = TRIGGER_CATALOGUE.find((t) => triggerOperationId(t.name) === operationId);
  if (!definitionOfTrigger) return [...problems, `trigger operationId ${String(operationId)} is none of the connector's triggers`];

  problems.push(...parameterProblems(definitionOfTrigger, inputs['parameters']));
  const payloadFields = properties(definitionOfTrigger.payload, 'output').names;
  for (const field of referencedPayloadFields(actions)) {
    if (!payloadFields.includes(field)) problems.push(`actions read payload field ${field}, which ${definitionOfTrigger.name} does not send`);
  }
  return problems;
}

/**
 * The trigger's parameters as the designer stores them: the connector declares one body
 * parameter named `body`, so each field is `body/<name>`. The platform fills in `callbackUrl`.
 */
function parameterProblems(trigger: TriggerDefinition, parameters: unknown): string[] {
  if (parameters !== undefined && !isObject(parameters)) return ['trigger parameters are not an object'];
  const problems: string[] = [];
  const { names, required } = properties(trigger.params, 'input');
  const given: Json = {};
  for (const [key, value] of Object.entries(parameters ?? {})) {
    const name = key.replace(/^body\//, '');
    if (!key.startsWith('body/') || !names.includes(name)) problems.push(`trigger sets parameter ${key}, which ${trigger.name} does not have`);
    else given[name] = value;
  }
  for (const name of required) {
    if (!(name in given)) problems.push(`trigger leaves out body/${name}, which ${trigger.name} requires`);
  }
  if (problems.length > 0) return problems;
  const parsed = trigger.params.safeParse(given);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `trigger parameter body/${issue.path.join('/')}: ${issue.message}`);
}
