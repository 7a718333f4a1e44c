/** The connector's colour: the icon's background and the tile the flow designer draws around it. */
export const ICON_BRAND_COLOR = '#0E6F7A';

export const PUBLISHER = 'Tripline';

/** The connection parameter holding the customer's gateway URL; the dynamic host policy reads it. */
export const INSTANCE_URL_PARAMETER = 'instanceUrl';

interface ConnectionParameter {
  type: 'string' | 'securestring';
  uiDefinition: {
    displayName: string;
    description: string;
    tooltip: string;
    constraints: { required: 'true' | 'false'; clearText?: boolean; tabIndex?: number };
  };
}

export interface ApiProperties {
  properties: {
    connectionParameters: Record<string, ConnectionParameter>;
    iconBrandColor: string;
    capabilities: string[];
    policyTemplateInstances: Array<{ templateId: string; title: string; parameters: Record<string, string> }>;
    publisher: string;
    stackOwner: string;
  };
}

/**
 * The connector's apiProperties.json, as the connector tooling (`paconn`) reads it.
 *
 * Every customer runs their own gateway, so a connection asks for two things: the gateway's URL,
 * which the `dynamichosturl` policy puts in place of the definition's host for every call, and
 * the tenant's API key. A securestring parameter named `api_key` is what the platform fills the
 * definition's `apiKey` security scheme with, which sends it as the `X-API-Key` header.
 *
 * `capabilities` stays empty, as on the API-key connectors already certified: its values name
 * kinds of connector (tabular, file), and triggers and actions are declared by the definition.
 */
export function buildApiProperties(): ApiProperties {
  return {
    properties: {
      connectionParameters: {
        [INSTANCE_URL_PARAMETER]: {
          type: 'string',
          uiDefinition: {
            displayName: 'Instance URL',
            description: 'The https address of your Tripline gateway, with its base path if it has one and no trailing slash, for example https://tripline.contoso.com',
            tooltip: 'The https address your Tripline gateway is reachable at',
            constraints: { required: 'true', tabIndex: 1 },
          },
        },
        api_key: {
          type: 'securestring',
          uiDefinition: {
            displayName: 'API key',
            description: "Your tenant's Tripline API key, sent as the X-API-Key header",
            tooltip: 'The API key the Tripline operator gave you for your tenant',
            constraints: { required: 'true', clearText: false, tabIndex: 2 },
          },
        },
      },
      iconBrandColor: ICON_BRAND_COLOR,
      capabilities: [],
      policyTemplateInstances: [
        {
          templateId: 'dynamichosturl',
          title: 'Send every call to the connection\'s Tripline gateway',
          parameters: { 'x-ms-apimTemplateParameter.urlTemplate': `@connectionParameters('${INSTANCE_URL_PARAMETER}')` },
        },
      ],
      publisher: PUBLISHER,
      stackOwner: PUBLISHER,
    },
  };
}
