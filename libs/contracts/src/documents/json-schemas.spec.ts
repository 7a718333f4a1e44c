import Ajv2020 from 'ajv/dist/2020';
import { EVENT_TYPES } from '../events/envelope';
import { TRIGGER_NAMES } from '../subscriptions/triggers';
import { contractJsonSchemas } from './json-schemas';

// A real JSON Schema 2020-12 validator, in strict mode (it rejects keywords it does not know),
// standing in for what a producer in another language would run. zod writes a `pattern` beside
// every `format`, so the formats are declared known and the patterns do the checking: a
// validator that ignores formats (most do by default) still rejects a bad timestamp.
const schemas = contractJsonSchemas();
const ajv = new Ajv2020({ formats: { 'date-time': true, uuid: true }, allErrors: true });
for (const schema of Object.values(schemas)) ajv.addSchema(schema);
const validator = (name: string) => ajv.getSchema(`https://tripline.dev/schemas/${name}.json`)!;

const refreshFailed = {
  id: 'evt-0001',
  type: 'datasource.refresh.completed',
  occurredAt: '2026-11-26T10:00:00Z',
  data: {
    dataSourceId: 'crm-contacts',
    dataSourceName: 'CRM contacts',
    runId: 'run-42',
    status: 'failed',
    startedAt: '2026-11-26T09:55:00Z',
    completedAt: '2026-11-26T10:00:00Z',
    error: { code: 'SOURCE_AUTH', message: 'Credentials expired' },
  },
};
const withStatus = (status: string) => ({ ...refreshFailed, data: { ...refreshFailed.data, status } });

describe('contractJsonSchemas', () => {
  it('has one schema per event type, the ingest message and each trigger payload, each with its $id', () => {
    const expected = [...EVENT_TYPES, 'ingest-message', ...TRIGGER_NAMES.map((t) => `payload.${t}`)];
    expect(Object.keys(schemas).sort()).toEqual(expected.sort());
    for (const [name, schema] of Object.entries(schemas)) {
      expect(schema).toMatchObject({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $id: `https://tripline.dev/schemas/${name}.json`,
        title: expect.any(String),
        description: expect.any(String),
      });
    }
  });

  describe('datasource.refresh.completed', () => {
    const validate = validator('datasource.refresh.completed');

    it('accepts a valid event, and one without the optional error', () => {
      expect(validate(refreshFailed)).toBe(true);
      const { error: _, ...succeededData } = refreshFailed.data;
      expect(validate({ ...refreshFailed, data: { ...succeededData, status: 'succeeded' } })).toBe(true);
    });

    it('rejects a status the contract does not know, pointing at /data/status', () => {
      expect(validate(withStatus('exploded'))).toBe(false);
      expect(validate.errors).toEqual([expect.objectContaining({ instancePath: '/data/status', keyword: 'enum' })]);
    });

    it('rejects a timestamp without an offset through its pattern', () => {
      expect(validate({ ...refreshFailed, occurredAt: '2026-11-26T10:00:00' })).toBe(false);
      expect(validate.errors).toEqual([expect.objectContaining({ instancePath: '/occurredAt', keyword: 'pattern' })]);
    });
  });

  describe('ingest-message', () => {
    const validate = validator('ingest-message');
    const tenantId = '0b7f3c52-6f0e-4d53-9a43-6c1d2f0e8a11';

    it('accepts an event with its tenant', () => {
      expect(validate({ ...refreshFailed, tenantId })).toBe(true);
    });

    it('rejects an event without a tenant, or with a bad status', () => {
      expect(validate(refreshFailed)).toBe(false);
      expect(validate({ ...withStatus('exploded'), tenantId })).toBe(false);
      expect(validate.errors).toContainEqual(expect.objectContaining({ instancePath: '/data/status', keyword: 'enum' }));
    });
  });

  it('describes a callback payload exactly as Tripline sends it (no other fields)', () => {
    const validate = validator('payload.data-source-refresh-failed');
    const payload = {
      eventId: 'evt-0001',
      trigger: 'data-source-refresh-failed',
      tenantId: '0b7f3c52-6f0e-4d53-9a43-6c1d2f0e8a11',
      subscriptionId: '5b1f6a3e-2f0c-5d8e-9a7b-1c2d3e4f5a6b',
      occurredAt: '2026-11-26T10:00:00Z',
      dataSourceId: 'crm-contacts',
      dataSourceName: 'CRM contacts',
      runId: 'run-42',
      status: 'failed',
      startedAt: '2026-11-26T09:55:00Z',
      completedAt: '2026-11-26T10:00:00Z',
      errorCode: 'SOURCE_AUTH',
      errorMessage: 'Credentials expired',
    };
    expect(validate(payload)).toBe(true);
    expect(validate({ ...payload, surprise: true })).toBe(false);
  });
});
