import { TRIGGER_CATALOGUE } from '@tripline/contracts';
import { swagger2Schema } from '../api-docs/swagger2-schema';
import { MAX_CHOICES } from '../platform-state/platform-state.views';
import { buildApiProperties, PUBLISHER } from './connector-properties';

type Schema = Record<string, unknown>;
interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  parameters?: Array<Schema & { name: string; in: string; required?: boolean; schema?: Schema }>;
  'x-ms-trigger'?: string;
  'x-ms-visibility'?: string;
}
interface Definition {
  paths: Record<string, Record<string, Operation>>;
}

/**
 * The package's readme.md, in the sections connector certification asks for. Triggers come from
 * the trigger catalogue, actions and their parameters from the definition itself, connection
 * parameters from apiProperties: adding an operation or a parameter updates the readme with it.
 */
export function buildConnectorReadme(definition: object): string {
  const actions = operations(definition as Definition).filter((op) => !op['x-ms-trigger'] && op['x-ms-visibility'] !== 'internal');
  const connection = buildApiProperties().properties.connectionParameters;

  return [
    '# Tripline',
    '',
    'Tripline turns the events of a customer data platform into flow triggers: a flow starts when a data source refresh fails or succeeds, when a segment or a business measure crosses a threshold, or when a full or unification refresh completes.',
    "Its actions read the platform's state as Tripline has seen it (data sources, segments, measures, refresh runs, a status report) and ask the platform for a refresh.",
    'The connector talks to your own Tripline gateway, at the address you give when you create a connection.',
    '',
    `## Publisher: ${PUBLISHER}`,
    '',
    '## Prerequisites',
    '',
    '- A running Tripline gateway reachable over https from the internet: the connector calls it, and it calls back the flows it triggers.',
    "- An API key for your tenant, from the gateway's operator (see Obtaining Credentials).",
    '- Your data platform sending its events to Tripline, so that there is something to trigger on and to list.',
    '',
    '## Supported Operations',
    '',
    '### Triggers',
    '',
    'Each trigger is a webhook: saving a flow subscribes it, and deleting the flow, turning it off or changing its trigger unsubscribes it.',
    '',
    ...TRIGGER_CATALOGUE.flatMap((trigger) => [
      `#### ${trigger.summary}`,
      '',
      trigger.description,
      '',
      ...parameterList(swagger2Schema(trigger.params, 'input')),
    ]),
    '### Actions',
    '',
    ...actions.flatMap((action) => [`#### ${action.summary}`, '', action.description ?? '', '', ...parameterList(actionParameters(action))]),
    '## Obtaining Credentials',
    '',
    "The connector signs in with an API key: each tenant (one data platform instance) has its own, and sees only its own data. The operator of your Tripline gateway creates the tenant and its key with the gateway's admin token:",
    '',
    '```bash',
    'curl -X POST https://tripline.contoso.com/v1/admin/tenants \\',
    '  -H "Authorization: Bearer $TRIPLINE_ADMIN_TOKEN" -H "Content-Type: application/json" \\',
    '  -d \'{"name": "Contoso production"}\'',
    '```',
    '',
    'The answer holds the `apiKey`. It is shown once (Tripline stores only its hash): keep it somewhere safe. Every call of the connector sends it as the `X-API-Key` header.',
    '',
    'A connection asks for:',
    '',
    '| Parameter | Description |',
    '|---|---|',
    ...Object.values(connection).map((p) => `| ${cell(p.uiDefinition.displayName)} | ${cell(p.uiDefinition.description)} |`),
    '',
    '## Getting Started',
    '',
    '1. Create a connection with your gateway\'s address and your API key.',
    '2. Start a flow with a trigger, for example *When a data source refresh fails*, and pick the data source from the list (or leave it empty for all of them).',
    '3. Use the trigger\'s outputs (the data source, the run, the error) in the next steps, for example to post a message or open a ticket.',
    '',
    '## Known Issues and Limitations',
    '',
    "- Each trigger in a flow is one subscription on the gateway, known by the flow's callback URL and the trigger's parameters: the same trigger in two flows is two subscriptions, each called back on its own.",
    '- When a flow does not accept a callback, Tripline retries it: by default 8 attempts over about 27 hours, after which the callback is given up (the operator can resend it). A deleted flow (404 or 410) disables its subscription at once, and one whose callbacks have failed for 5 days without a success is disabled; turning the flow off and on again subscribes it anew. The operator can change these defaults.',
    `- The pickers for data sources, segments and measures list every one of the tenant's, by name, up to ${MAX_CHOICES.toLocaleString('en-US')}; past that, type the ID.`,
    '- The first value ever seen for a segment or a measure is its baseline: the threshold triggers fire from the next crossing on, once per crossing.',
    '- The actions answer from the events Tripline has received, not by asking the data platform: what the platform has not reported yet is not there.',
    '- The instance URL must be https and reachable from the internet, and must not end with a slash.',
    '',
    '## Deployment Instructions',
    '',
    'Download the package from your gateway (`GET /v1/connector/power-automate.zip`), or build it from the Tripline repository with `npm run connector:package -- out/`. Then create the custom connector with the `paconn` command-line tool:',
    '',
    '```bash',
    'paconn login',
    'paconn create --api-def apiDefinition.swagger.json --api-prop apiProperties.json --icon icon.png',
    '```',
    '',
    'Create a connection with your instance URL and API key, then use the triggers and actions in your flows.',
    '',
  ].join('\n');
}

/** The operations of each path item (its x-ms-* keys, such as the notification content, are not operations). */
function operations(definition: Definition): Operation[] {
  return Object.values(definition.paths).flatMap((item) => Object.entries(item).filter(([key]) => !key.startsWith('x-')).map(([, op]) => op));
}

/** An action's parameters as one JSON Schema object: query parameters and the body's fields side by side. */
function actionParameters(action: Operation): Schema {
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const parameter of action.parameters ?? []) {
    if (parameter.in === 'body' && parameter.schema) {
      Object.assign(properties, parameter.schema['properties']);
      required.push(...((parameter.schema['required'] as string[] | undefined) ?? []));
    } else {
      const { name, in: _, required: isRequired, ...schema } = parameter;
      properties[name] = schema;
      if (isRequired) required.push(name);
    }
  }
  return { properties, required };
}

function parameterList(schema: Schema): string[] {
  const properties = Object.entries((schema['properties'] ?? {}) as Record<string, Schema>);
  if (properties.length === 0) return ['No parameters.', ''];
  const required = new Set((schema['required'] as string[] | undefined) ?? []);
  return [
    '| Parameter | Type | Required | Description |',
    '|---|---|---|---|',
    ...properties.map(([name, property]) => {
      const label = typeof property['x-ms-summary'] === 'string' ? property['x-ms-summary'] : name;
      const notes = [property['description'], property['enum'] ? `one of ${(property['enum'] as unknown[]).join(', ')}` : null, property['default'] !== undefined ? `default ${String(property['default'])}` : null];
      // One sentence per parameter: the description, then its choices and default.
      const text = notes.filter(Boolean).map((note) => String(note).replace(/\.$/, '')).join('; ');
      return `| ${cell(String(label))} (\`${name}\`) | ${String(property['type'] ?? 'any')} | ${required.has(name) ? 'yes' : 'no'} | ${cell(text ? `${text}.` : '')} |`;
    }),
    '',
  ];
}

/** Text for a Markdown table cell: a pipe or a line break would end the cell or the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}
