import { TRIGGER_CATALOGUE } from '@tripline/contracts';
import { buildConnectorDefinition } from './connector-definition';
import { buildConnectorReadme } from './connector-readme';

type Operation = { operationId: string; summary: string; description: string };

describe('the connector readme', () => {
  const definition = buildConnectorDefinition(new URL('https://tripline.contoso.example')) as { paths: Record<string, Record<string, Operation>> };
  const readme = buildConnectorReadme(definition);
  const operation = (id: string) => Object.values(definition.paths).flatMap((m) => Object.values(m)).find((op) => op.operationId === id)!;

  it('has the sections certification requires, in order', () => {
    const sections = ['# Tripline', '## Publisher: Tripline', '## Prerequisites', '## Supported Operations', '## Obtaining Credentials', '## Known Issues and Limitations', '## Deployment Instructions'];
    const positions = sections.map((heading) => readme.split('\n').indexOf(heading));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('describes every trigger of the catalogue, with its parameters', () => {
    for (const trigger of TRIGGER_CATALOGUE) {
      expect(readme).toContain(`#### ${trigger.summary}\n\n${trigger.description}`);
    }
    expect(readme).toContain('| Threshold (`threshold`) | integer | yes | Fires when the member count rises above this. |');
    expect(readme).toContain('| Include manual (`includeManual`) | boolean | no | Also fire for full refreshes started by hand, not only scheduled ones; default false. |');
  });

  it('describes every action, with its parameters, and not the operations the designer hides', () => {
    for (const id of ['ListDataSources', 'ListSegments', 'ListMeasures', 'ListRefreshRuns', 'GetStatusReport', 'RequestRefresh']) {
      expect(readme).toContain(`#### ${operation(id).summary}\n\n${operation(id).description}`);
    }
    expect(readme).toContain('| Scope (`scope`) | string | yes | What to refresh; one of full, dataSources, segments, measures, unification. |');
    expect(readme).not.toContain(operation('DeleteSubscription').summary);
    expect(readme).not.toContain('callbackUrl');
  });

  it('tells how to get an API key and what a connection asks for', () => {
    expect(readme).toContain('POST https://tripline.contoso.com/v1/admin/tenants');
    expect(readme).toContain('| Instance URL |');
    expect(readme).toContain('| API key |');
  });

  it('states the limits a flow author runs into, the pickers\' with the real cap of their operations', () => {
    expect(readme).toContain('up to 10,000');
    expect(readme).toMatch(/8 attempts over about 27 hours/);
    expect(readme).toMatch(/disables its subscription/);
  });

  it('names no product, only Tripline', () => {
    expect(readme).not.toMatch(/power automate|microsoft|logic apps|power apps/i);
  });
});
