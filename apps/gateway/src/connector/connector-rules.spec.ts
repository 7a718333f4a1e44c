import { buildConnectorDefinition } from './connector-definition';
import { apiPropertiesViolations, definitionViolations } from './connector-rules';

type Json = Record<string, unknown>;

/** The node at `keys` (array indexes as strings), for breaking one rule in a fresh copy. */
const dig = (node: Json, ...keys: string[]): Json => keys.reduce((n, key) => n[key] as Json, node);
const field = (summary: string, description: string, type = 'string') => ({ type, 'x-ms-summary': summary, description });

/** A small connector that keeps every rule: one action, one webhook trigger, its unsubscribe. */
function connector(): Json {
  return {
    swagger: '2.0',
    info: {
      title: 'Contoso Tasks',
      description: 'Start flows when tasks are created, and read the task lists of your team.',
      version: '1.0',
      contact: { name: 'Contoso support', url: 'https://contoso.example/support', email: 'support@contoso.example' },
    },
    host: 'tasks.contoso.example',
    basePath: '/api',
    schemes: ['https'],
    securityDefinitions: { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' } },
    security: [{ apiKey: [] }],
    'x-ms-connector-metadata': [
      { propertyName: 'Website', propertyValue: 'https://contoso.example' },
      { propertyName: 'Privacy policy', propertyValue: 'https://contoso.example/privacy' },
      { propertyName: 'Categories', propertyValue: 'Productivity;Collaboration' },
    ],
    'x-ms-capabilities': { testConnection: { operationId: 'ListLists' } },
    paths: {
      '/lists': {
        get: {
          operationId: 'ListLists',
          summary: 'List task lists',
          description: 'Returns every task list of the team.',
          parameters: [{ name: 'limit', in: 'query', type: 'integer', required: false, 'x-ms-summary': 'Limit', description: 'How many lists to return at most.' }],
          responses: { '200': { description: 'The lists', schema: { $ref: '#/definitions/ListsPage' } } },
        },
      },
      '/subscriptions/task-created': {
        'x-ms-notification-content': { description: 'The created task', schema: { $ref: '#/definitions/TaskCreated' } },
        post: {
          operationId: 'OnTaskCreated',
          summary: 'When a task is created',
          description: 'Starts the flow each time someone creates a task.',
          'x-ms-trigger': 'single',
          parameters: [
            {
              name: 'body',
              in: 'body',
              required: true,
              'x-ms-summary': 'Subscription',
              description: 'What to watch, and where to call back.',
              schema: {
                type: 'object',
                required: ['callbackUrl'],
                properties: {
                  listId: {
                    ...field('List ID', 'The list to watch.'),
                    'x-ms-dynamic-values': { operationId: 'ListLists', 'value-collection': 'lists', 'value-path': 'listId', 'value-title': 'name' },
                  },
                  callbackUrl: { ...field('Callback URL', 'The URL the platform calls for each new task.'), 'x-ms-notification-url': true, 'x-ms-visibility': 'internal' },
                },
              },
            },
          ],
          responses: { '201': { description: 'Subscribed', schema: { $ref: '#/definitions/Subscription' } } },
        },
      },
      '/subscriptions/{subscriptionId}': {
        delete: {
          operationId: 'DeleteSubscription',
          summary: 'Unsubscribe',
          description: 'Stops the trigger when its flow is turned off or deleted.',
          'x-ms-visibility': 'internal',
          parameters: [{ name: 'subscriptionId', in: 'path', required: true, type: 'string', 'x-ms-summary': 'Subscription ID', description: 'The subscription to remove.' }],
          responses: { '204': { description: 'Unsubscribed' } },
        },
      },
    },
    definitions: {
      ListsPage: {
        type: 'object',
        properties: {
          lists: { type: 'array', 'x-ms-summary': 'Lists', description: 'The task lists.', items: { type: 'object', properties: { listId: field('List ID', 'The ID of the list.'), name: field('Name', 'The name of the list.') } } },
        },
      },
      TaskCreated: {
        type: 'object',
        properties: {
          taskId: field('Task ID', 'The ID of the new task.'),
          tags: { type: 'array', 'x-ms-summary': 'Tags', description: 'The tags of the task.', items: { type: 'object', properties: { label: field('Label', 'The text of the tag.') } } },
        },
      },
      Subscription: { type: 'object', properties: { id: field('ID', 'The ID of the subscription.') } },
    },
  };
}

const TRIGGER = 'paths./subscriptions/task-created';

describe('definitionViolations', () => {
  it('passes a connector that keeps every rule', () => {
    expect(definitionViolations(connector())).toEqual([]);
  });

  it("flags today's placement: x-ms-notification-content inside post instead of beside it", () => {
    const definition = connector();
    const pathItem = dig(definition, 'paths', '/subscriptions/task-created');
    dig(pathItem, 'post')['x-ms-notification-content'] = pathItem['x-ms-notification-content'];
    delete pathItem['x-ms-notification-content'];
    expect(definitionViolations(definition)).toEqual([
      `${TRIGGER}.post: x-ms-notification-content is allowed only on the path item, beside the operation`,
      `${TRIGGER}: a webhook trigger needs x-ms-notification-content on its path item (the payload the flow receives)`,
    ]);
  });

  const cases: Array<[string, (definition: Json) => void, string | string[]]> = [
    // Where each x-ms-* extension may stand, and what it may hold.
    ['x-ms-notification-content without a schema', (d) => delete dig(d, 'paths', '/subscriptions/task-created', 'x-ms-notification-content')['schema'], `${TRIGGER}.x-ms-notification-content: x-ms-notification-content needs a schema (the payload the flow receives)`],
    ['x-ms-notification-content holding more than schema and description', (d) => (dig(d, 'paths', '/subscriptions/task-created', 'x-ms-notification-content')['title'] = 'Task'), `${TRIGGER}.x-ms-notification-content: x-ms-notification-content may hold only schema and description, not title`],
    ['x-ms-notification-content beside no trigger', (d) => (dig(d, 'paths', '/lists')['x-ms-notification-content'] = { schema: { $ref: '#/definitions/TaskCreated' } }), 'paths./lists: x-ms-notification-content stands beside no x-ms-trigger operation'],
    ['an extension Microsoft does not know', (d) => (dig(d, 'paths', '/lists', 'get')['x-ms-frobnicate'] = true), "paths./lists.get: x-ms-frobnicate is not an extension Microsoft's connector schema knows"],
    ['x-ms-trigger on a parameter', (d) => (dig(d, 'paths', '/lists', 'get', 'parameters', '0')['x-ms-trigger'] = 'single'), "paths./lists.get.parameters.limit: x-ms-trigger is not allowed on a query parameter; Microsoft's connector schema allows it only on: operation"],
    ['x-ms-notification-url on a query parameter', (d) => (dig(d, 'paths', '/lists', 'get', 'parameters', '0')['x-ms-notification-url'] = true), "paths./lists.get.parameters.limit: x-ms-notification-url is not allowed on a query parameter; Microsoft's connector schema allows it only on: schema"],
    ['x-ms-trigger neither single nor batch', (d) => (dig(d, 'paths', '/subscriptions/task-created', 'post')['x-ms-trigger'] = 'webhook'), `${TRIGGER}.post.x-ms-trigger: x-ms-trigger must be one of single, batch`],
    ['x-ms-visibility outside important, advanced, internal', (d) => (dig(d, 'paths', '/lists', 'get', 'parameters', '0')['x-ms-visibility'] = 'hidden'), 'paths./lists.get.parameters.limit.x-ms-visibility: x-ms-visibility must be one of important, advanced, internal'],
    ['an x-ms-notification-url that is not true', (d) => (dig(d, 'paths', '/subscriptions/task-created', 'post', 'parameters', '0', 'schema', 'properties', 'callbackUrl')['x-ms-notification-url'] = 'yes'), `${TRIGGER}.post.parameters.body.schema.properties.callbackUrl.x-ms-notification-url: x-ms-notification-url must be true`],
    ["an operation's x-ms-capabilities beyond chunkTransfer", (d) => (dig(d, 'paths', '/lists', 'get')['x-ms-capabilities'] = { testConnection: {} }), "paths./lists.get.x-ms-capabilities: an operation's x-ms-capabilities may hold only chunkTransfer, not testConnection"],
    ['testConnection naming no operation', (d) => (d['x-ms-capabilities'] = { testConnection: { operationId: 'Ping' } }), 'x-ms-capabilities.testConnection.operationId: no operation has the operationId Ping'],
    ['document x-ms-capabilities beyond testConnection and file-picker', (d) => (d['x-ms-capabilities'] = { chunkTransfer: true }), 'x-ms-capabilities: x-ms-capabilities may hold only testConnection and file-picker, not chunkTransfer'],
    // The connector as a whole: info, contact, x-ms-connector-metadata.
    ['no contact', (d) => delete dig(d, 'info')['contact'], 'info.contact: certification requires a contact with name, url and email (the support team users reach)'],
    ['a contact without email', (d) => delete dig(d, 'info', 'contact')['email'], 'info.contact.email: the contact needs a support email address'],
    ['a title over 30 characters', (d) => (dig(d, 'info')['title'] = 'Contoso Tasks and Projects Tracker'), 'info.title: the title is 34 characters; certification allows at most 30'],
    ['a title with the word API', (d) => (dig(d, 'info')['title'] = 'Contoso Tasks API'), 'info.title: the title must not contain the words "API" or "Connector"'],
    ['a connector description under 30 characters', (d) => (dig(d, 'info')['description'] = 'Tasks of Contoso.'), 'info.description: the description is 17 characters; certification asks for 30 to 500'],
    ['no x-ms-connector-metadata', (d) => delete d['x-ms-connector-metadata'], 'x-ms-connector-metadata: certification requires x-ms-connector-metadata with the Website, Privacy policy and Categories entries'],
    ['no Privacy policy entry', (d) => (d['x-ms-connector-metadata'] = (d['x-ms-connector-metadata'] as Json[]).filter((e) => e['propertyName'] !== 'Privacy policy')), 'x-ms-connector-metadata: certification requires the "Privacy policy" entry'],
    ['a Website that is no URL', (d) => (dig(d, 'x-ms-connector-metadata', '0')['propertyValue'] = 'contoso'), 'x-ms-connector-metadata: "Website" must be a URL'],
    ['a category outside the list', (d) => (dig(d, 'x-ms-connector-metadata', '2')['propertyValue'] = 'Productivity;Tasks'), 'x-ms-connector-metadata: "Tasks" is not one of the certification categories (AI, Business Management, Business Intelligence, Collaboration, Commerce, Communication, Content and Files, Finance, Data, Human Resources, Internet of Things, IT Operations, Lifestyle and Entertainment, Marketing, Productivity, Sales and CRM, Security, Social Media, Website)'],
    ['more than two categories', (d) => (dig(d, 'x-ms-connector-metadata', '2')['propertyValue'] = 'Productivity;Collaboration;Data'), 'x-ms-connector-metadata: "Categories" may name at most two categories'],
    ['metadata entries that are not {propertyName, propertyValue}', (d) => (d['x-ms-connector-metadata'] = [...(d['x-ms-connector-metadata'] as Json[]), { name: 'Support' }]), 'x-ms-connector-metadata.3: each entry must be {propertyName, propertyValue} with string values'],
    // Certification strings.
    ['a product name in a summary', (d) => (dig(d, 'paths', '/lists', 'get')['summary'] = 'List task lists for Power Automate'), 'paths./lists.get.summary: must not name a Microsoft product ("Power Automate")'],
    ['a product name in a response description', (d) => (dig(d, 'paths', '/lists', 'get', 'responses', '200')['description'] = 'The lists, as Logic Apps reads them'), 'paths./lists.get.responses.200.description: must not name a Microsoft product ("Logic Apps")'],
    ['"Microsoft" in a field description', (d) => (dig(d, 'definitions', 'TaskCreated', 'properties', 'taskId')['description'] = 'The Microsoft ID of the task.'), 'definitions.TaskCreated.properties.taskId.description: must not name a Microsoft product ("Microsoft")'],
    ['a summary ending in a period', (d) => (dig(d, 'paths', '/lists', 'get')['summary'] = 'List task lists.'), 'paths./lists.get.summary: "List task lists." contains "."; summaries may hold only letters, digits, spaces and parentheses'],
    ['an x-ms-summary with a slash', (d) => (dig(d, 'paths', '/lists', 'get', 'parameters', '0')['x-ms-summary'] = 'Limit/page'), 'paths./lists.get.parameters.limit.x-ms-summary: "Limit/page" contains "/"; summaries may hold only letters, digits, spaces and parentheses'],
    ['a summary over 80 characters', (d) => (dig(d, 'paths', '/lists', 'get')['summary'] = 'List '.repeat(17).trim()), `paths./lists.get.summary: "${'List '.repeat(17).trim()}" is 84 characters; summaries are at most 80`],
    ['an operation without a summary', (d) => delete dig(d, 'paths', '/lists', 'get')['summary'], 'paths./lists.get.summary: every operation needs a summary (its name in the designer)'],
    ['an operation description that is no sentence', (d) => (dig(d, 'paths', '/lists', 'get')['description'] = 'Every task list'), 'paths./lists.get.description: "Every task list" must be a full sentence ending in . ! or ?'],
    ['a parameter without a description', (d) => delete dig(d, 'paths', '/lists', 'get', 'parameters', '0')['description'], 'paths./lists.get.parameters.limit: needs a description (the hint the designer shows)'],
    ['a parameter without an x-ms-summary', (d) => delete dig(d, 'paths', '/lists', 'get', 'parameters', '0')['x-ms-summary'], 'paths./lists.get.parameters.limit: needs an x-ms-summary (the label the designer shows)'],
    ['a body field without an x-ms-summary', (d) => delete dig(d, 'paths', '/subscriptions/task-created', 'post', 'parameters', '0', 'schema', 'properties', 'listId')['x-ms-summary'], `${TRIGGER}.post.parameters.body.schema.properties.listId: needs an x-ms-summary (the label the designer shows)`],
    ['a payload field, inside array items, without a description', (d) => delete dig(d, 'definitions', 'TaskCreated', 'properties', 'tags', 'items', 'properties', 'label')['description'], 'definitions.TaskCreated.properties.tags.items.properties.label: needs a description (the hint the designer shows)'],
    ['a response field whose description is no sentence', (d) => (dig(d, 'definitions', 'Subscription', 'properties', 'id')['description'] = 'The ID'), 'definitions.Subscription.properties.id.description: "The ID" must be a full sentence ending in . ! or ?'],
    // Operations and responses.
    ['two operations with one operationId', (d) => (dig(d, 'paths', '/subscriptions/{subscriptionId}', 'delete')['operationId'] = 'OnTaskCreated'), `paths./subscriptions/{subscriptionId}.delete.operationId: "OnTaskCreated" is already the operationId of ${TRIGGER}.post`],
    ['an operationId that is not PascalCase', (d) => (dig(d, 'paths', '/subscriptions/{subscriptionId}', 'delete')['operationId'] = 'delete-subscription'), 'paths./subscriptions/{subscriptionId}.delete.operationId: "delete-subscription" must be PascalCase letters and digits (like GetContacts)'],
    ['an operation without an operationId', (d) => delete dig(d, 'paths', '/subscriptions/{subscriptionId}', 'delete')['operationId'], 'paths./subscriptions/{subscriptionId}.delete: every operation needs an operationId'],
    ['a default response with a schema', (d) => (dig(d, 'paths', '/lists', 'get', 'responses')['default'] = { description: 'Failed', schema: { $ref: '#/definitions/Subscription' } }), 'paths./lists.get.responses.default: a default response must not carry a schema; certification asks for exact responses only'],
    ['a 201 without a schema', (d) => delete dig(d, 'paths', '/subscriptions/task-created', 'post', 'responses', '201')['schema'], `${TRIGGER}.post.responses.201: a 201 response needs a schema (certification allows no response without one)`],
    ['an empty response schema', (d) => (dig(d, 'paths', '/subscriptions/task-created', 'post', 'responses', '201')['schema'] = { type: 'object' }), `${TRIGGER}.post.responses.201.schema: the response schema is empty (no properties, no items)`],
    ['no success response', (d) => (dig(d, 'paths', '/subscriptions/{subscriptionId}', 'delete')['responses'] = { '404': { description: 'No such subscription' } }), 'paths./subscriptions/{subscriptionId}.delete.responses: every operation needs a success (2xx) response'],
    ['a $ref to a missing definition', (d) => (dig(d, 'paths', '/subscriptions/task-created', 'post', 'responses', '201')['schema'] = { $ref: '#/definitions/Nothing' }), `${TRIGGER}.post.responses.201.schema.$ref: no definition is named Nothing`],
    ['OpenAPI 3 instead of Swagger 2.0', (d) => (d['swagger'] = '3.0'), 'swagger: a connector definition must be Swagger "2.0" (OpenAPI 3 is refused on import)'],
    // Webhook triggers.
    ['a callback field the user can see', (d) => (dig(d, 'paths', '/subscriptions/task-created', 'post', 'parameters', '0', 'schema', 'properties', 'callbackUrl')['x-ms-visibility'] = 'advanced'), `${TRIGGER}.post.parameters.body.schema.properties.callbackUrl: the x-ms-notification-url field must be x-ms-visibility internal (the platform fills it)`],
    ['a callback field that is optional', (d) => (dig(d, 'paths', '/subscriptions/task-created', 'post', 'parameters', '0', 'schema')['required'] = []), `${TRIGGER}.post.parameters.body.schema.properties.callbackUrl: the x-ms-notification-url field must be required`],
    ['a webhook subscription without x-ms-trigger', (d) => delete dig(d, 'paths', '/subscriptions/task-created', 'post')['x-ms-trigger'], [
      `${TRIGGER}.post: an operation with an x-ms-notification-url field subscribes a webhook and needs x-ms-trigger`,
      `${TRIGGER}: x-ms-notification-content stands beside no x-ms-trigger operation`,
    ]],
    // x-ms-dynamic-values pickers.
    ['a picker calling no operation', (d) => (dynamicValues(d)['operationId'] = 'ListBoards'), `${TRIGGER}.post.parameters.body.schema.properties.listId.x-ms-dynamic-values.operationId: no operation has the operationId ListBoards`],
    ['a picker whose value-collection is no array', (d) => (dynamicValues(d)['value-collection'] = 'boards'), `${TRIGGER}.post.parameters.body.schema.properties.listId.x-ms-dynamic-values.value-collection: ListLists's answer has no array at "boards"`],
    ['a picker whose items lack the value-title', (d) => (dynamicValues(d)['value-title'] = 'title'), `${TRIGGER}.post.parameters.body.schema.properties.listId.x-ms-dynamic-values.value-title: the items of ListLists's lists have no property "title"`],
    ['a picker without value-path', (d) => delete dynamicValues(d)['value-path'], `${TRIGGER}.post.parameters.body.schema.properties.listId.x-ms-dynamic-values: x-ms-dynamic-values needs value-path`],
    ['a picker passing a parameter its operation lacks', (d) => (dynamicValues(d)['parameters'] = { team: 'all' }), `${TRIGGER}.post.parameters.body.schema.properties.listId.x-ms-dynamic-values.parameters.team: ListLists has no parameter team`],
    ['a picker leaving a required parameter out', (d) => (dig(d, 'paths', '/lists', 'get', 'parameters', '0')['required'] = true), `${TRIGGER}.post.parameters.body.schema.properties.listId.x-ms-dynamic-values.parameters: ListLists requires limit, which the picker does not pass`],
    ['a picker with both operationId and capability', (d) => (dynamicValues(d)['capability'] = 'file-picker'), `${TRIGGER}.post.parameters.body.schema.properties.listId.x-ms-dynamic-values: x-ms-dynamic-values needs exactly one of operationId, builtInOperation or capability`],
  ];

  it.each(cases)('flags %s', (_, breakRule, expected) => {
    const definition = connector();
    breakRule(definition);
    expect(definitionViolations(definition)).toEqual([expected].flat());
  });

  it('the Tripline connector definition keeps every rule', () => {
    expect(definitionViolations(buildConnectorDefinition(new URL('https://tripline.contoso.example/api')))).toEqual([]);
  });
});

function dynamicValues(definition: Json): Json {
  return dig(definition, 'paths', '/subscriptions/task-created', 'post', 'parameters', '0', 'schema', 'properties', 'listId', 'x-ms-dynamic-values');
}

function apiProperties(): Json {
  return {
    properties: {
      connectionParameters: {
        api_key: { type: 'securestring', uiDefinition: { displayName: 'API key', description: 'The API key of your Contoso account.', tooltip: 'Find it under Settings.', constraints: { required: 'true', clearText: false } } },
        host: { type: 'string', uiDefinition: { displayName: 'Host', description: 'The host name of your Contoso instance.', constraints: { required: 'true' } } },
      },
      iconBrandColor: '#da3b01',
      capabilities: ['actions', 'triggers'],
      publisher: 'Contoso',
      stackOwner: 'Contoso Corporation',
      policyTemplateInstances: [{ templateId: 'dynamichosturl', title: 'Host from the connection', parameters: { 'x-ms-apimTemplateParameter.urlTemplate': "https://@connectionParameters('host')/api" } }],
    },
  };
}

describe('apiPropertiesViolations', () => {
  it('passes properties that keep every rule', () => {
    expect(apiPropertiesViolations(apiProperties())).toEqual([]);
  });

  const cases: Array<[string, (properties: Json) => void, string | string[]]> = [
    ['no iconBrandColor', (p) => delete dig(p, 'properties')['iconBrandColor'], 'properties.iconBrandColor: iconBrandColor is required'],
    ['a white icon background', (p) => (dig(p, 'properties')['iconBrandColor'] = '#FFFFFF'), 'properties.iconBrandColor: #FFFFFF is refused by certification (the icon background may be neither white nor the default #007ee5)'],
    ['the default blue icon background', (p) => (dig(p, 'properties')['iconBrandColor'] = '#007ee5'), 'properties.iconBrandColor: #007ee5 is refused by certification (the icon background may be neither white nor the default #007ee5)'],
    ['a colour that is not #RRGGBB', (p) => (dig(p, 'properties')['iconBrandColor'] = 'orange'), 'properties.iconBrandColor: "orange" must be a colour as #RRGGBB'],
    ['no publisher', (p) => delete dig(p, 'properties')['publisher'], 'properties.publisher: certification requires publisher'],
    ['a stackOwner with punctuation', (p) => (dig(p, 'properties')['stackOwner'] = 'Contoso, Inc.'), 'properties.stackOwner: stackOwner must be a name in letters, digits and spaces'],
    ['no capabilities', (p) => delete dig(p, 'properties')['capabilities'], 'properties.capabilities: capabilities is required (an array, empty or of capability names)'],
    ['no connectionParameters', (p) => delete dig(p, 'properties')['connectionParameters'], [
      "properties.connectionParameters: connectionParameters is required (the connection dialog's fields)",
      "properties.policyTemplateInstances.0.parameters.x-ms-apimTemplateParameter.urlTemplate: names the connection parameter host, which connectionParameters does not define",
    ]],
    ['a property the schema does not have', (p) => (dig(p, 'properties')['brandColor'] = '#da3b01'), "properties.brandColor: Microsoft's apiProperties schema has no property brandColor"],
    ['an API key as a plain string', (p) => (dig(p, 'properties', 'connectionParameters', 'api_key')['type'] = 'string'), 'properties.connectionParameters.api_key.type: api_key holds a secret and must be securestring, not string'],
    ['a connection parameter type the schema lacks', (p) => (dig(p, 'properties', 'connectionParameters', 'host')['type'] = 'text'), 'properties.connectionParameters.host.type: "text" must be one of string, securestring, int, bool, gatewaySetting, oauthSetting'],
    ['a secret shown in clear text', (p) => (dig(p, 'properties', 'connectionParameters', 'api_key', 'uiDefinition', 'constraints')['clearText'] = true), 'properties.connectionParameters.api_key.uiDefinition.constraints.clearText: a securestring must not be shown in clear text'],
    ['constraints.required as a boolean', (p) => (dig(p, 'properties', 'connectionParameters', 'host', 'uiDefinition', 'constraints')['required'] = true), 'properties.connectionParameters.host.uiDefinition.constraints.required: must be a string ("true" or "false"), not boolean'],
    ['a product name in the connection dialog', (p) => (dig(p, 'properties', 'connectionParameters', 'host', 'uiDefinition')['description'] = 'The host Power Apps calls.'), 'properties.connectionParameters.host.uiDefinition.description: must not name a Microsoft product ("Power Apps")'],
    ['dynamichosturl without urlTemplate', (p) => (dig(p, 'properties', 'policyTemplateInstances', '0')['parameters'] = {}), 'properties.policyTemplateInstances.0.parameters: dynamichosturl requires x-ms-apimTemplateParameter.urlTemplate'],
    ['a urlTemplate naming no connection parameter', (p) => (dig(p, 'properties', 'policyTemplateInstances', '0', 'parameters')['x-ms-apimTemplateParameter.urlTemplate'] = "https://@connectionParameters('hostname')/api"), "properties.policyTemplateInstances.0.parameters.x-ms-apimTemplateParameter.urlTemplate: names the connection parameter hostname, which connectionParameters does not define"],
    ['a template parameter the template lacks', (p) => (dig(p, 'properties', 'policyTemplateInstances', '0', 'parameters')['x-ms-apimTemplateParameter.host'] = 'x'), 'properties.policyTemplateInstances.0.parameters: dynamichosturl takes no parameter x-ms-apimTemplateParameter.host'],
    ['an unknown policy template', (p) => (dig(p, 'properties', 'policyTemplateInstances', '0')['templateId'] = 'rewritehost'), "properties.policyTemplateInstances.0.templateId: rewritehost is not a policy template Microsoft's schema knows"],
  ];

  it.each(cases)('flags %s', (_, breakRule, expected) => {
    const properties = apiProperties();
    breakRule(properties);
    expect(apiPropertiesViolations(properties)).toEqual([expected].flat());
  });
});
