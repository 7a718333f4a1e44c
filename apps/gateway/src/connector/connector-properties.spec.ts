import { buildApiProperties, ICON_BRAND_COLOR } from './connector-properties';
import { apiPropertiesViolations } from './connector-rules';

const PRODUCT_NAMES = /power automate|microsoft|logic apps|power apps|power platform/i;

describe('the connector\'s apiProperties', () => {
  it('keeps every rule of the platform\'s apiProperties schema and of certification', () => {
    expect(apiPropertiesViolations(buildApiProperties())).toEqual([]);
  });

  const { properties } = buildApiProperties();

  it('asks each connection for the API key as a secret, under the name the platform sends as the API key header', () => {
    expect(properties.connectionParameters['api_key']).toEqual({
      type: 'securestring',
      uiDefinition: {
        displayName: expect.any(String),
        description: expect.stringContaining('X-API-Key'),
        tooltip: expect.any(String),
        constraints: expect.objectContaining({ required: 'true', clearText: false }),
      },
    });
  });

  it('asks each connection for its gateway\'s URL, and sends every call there', () => {
    expect(properties.connectionParameters['instanceUrl']).toMatchObject({
      type: 'string',
      uiDefinition: { displayName: 'Instance URL', description: expect.stringContaining('https://'), tooltip: expect.any(String), constraints: { required: 'true' } },
    });
    expect(properties.policyTemplateInstances).toEqual([
      { templateId: 'dynamichosturl', title: expect.any(String), parameters: { 'x-ms-apimTemplateParameter.urlTemplate': "@connectionParameters('instanceUrl')" } },
    ]);
  });

  it('has a brand colour certification accepts: #RRGGBB, neither white nor the default blue', () => {
    expect(properties.iconBrandColor).toBe(ICON_BRAND_COLOR);
    expect(ICON_BRAND_COLOR).toMatch(/^#[0-9A-Fa-f]{6}$/);
    expect(['#ffffff', '#007ee5']).not.toContain(ICON_BRAND_COLOR.toLowerCase());
  });

  it('names Tripline as publisher and owner, and no product anywhere in its text', () => {
    expect(properties).toMatchObject({ publisher: 'Tripline', stackOwner: 'Tripline', capabilities: [] });
    expect(JSON.stringify(properties)).not.toMatch(PRODUCT_NAMES);
  });

  it('names connection parameters as the connector tooling allows: letters, digits and underscores', () => {
    for (const name of Object.keys(properties.connectionParameters)) expect(name).toMatch(/^[0-9a-zA-Z_]+$/);
  });
});
