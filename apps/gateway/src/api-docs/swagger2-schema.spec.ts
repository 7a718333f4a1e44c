import { z } from 'zod';
import { humanize, swagger2Schema } from './swagger2-schema';

describe('swagger2Schema', () => {
  it('labels every property for the flow designer and speaks Swagger 2.0 nullability', () => {
    const schema = swagger2Schema(z.object({ dataSourceId: z.string(), errorCode: z.string().nullable(), items: z.array(z.object({ runId: z.string() })) }), 'output');
    const properties = schema['properties'] as Record<string, Record<string, unknown>>;
    expect(properties['dataSourceId']).toMatchObject({ type: 'string', 'x-ms-summary': 'Data source ID' });
    expect(properties['errorCode']).toMatchObject({ type: 'string', 'x-nullable': true });
    expect(properties['errorCode']).not.toHaveProperty('nullable');
    expect((properties['items']['items'] as { properties: Record<string, unknown> }).properties['runId']).toMatchObject({ 'x-ms-summary': 'Run ID' });
    expect(schema).not.toHaveProperty('$schema');
  });

  it('humanizes field names', () => {
    expect(humanize('callbackUrl')).toBe('Callback URL');
    expect(humanize('failedComponentCount')).toBe('Failed component count');
  });
});
