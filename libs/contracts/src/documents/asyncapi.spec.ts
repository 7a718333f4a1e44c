// The real AsyncAPI parser (the specification's JSON Schema plus its Spectral rules), not a
// shape check of our own.
import { Parser } from '@asyncapi/parser';
import Ajv from 'ajv';
import { topics } from '../topics';
import { asyncApiDocument } from './asyncapi';

const ERROR = 0; // Spectral's DiagnosticSeverity.Error

const sampleIngestMessage = {
  tenantId: '0b7f3c52-6f0e-4d53-9a43-6c1d2f0e8a11',
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

describe('asyncApiDocument', () => {
  let parsed: Awaited<ReturnType<Parser['parse']>>;

  beforeAll(async () => {
    parsed = await new Parser().parse(JSON.stringify(asyncApiDocument()));
  });

  it('is a valid AsyncAPI 3.0.0 document', () => {
    const errors = parsed.diagnostics.filter((d) => d.severity === ERROR);
    expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(parsed.document).toBeDefined();
    expect(parsed.document?.version()).toBe('3.0.0');
  });

  it('would be caught by the parser if it were broken', async () => {
    // Guards the test above against passing vacuously: the parser does report errors here.
    const broken = asyncApiDocument() as { operations: Record<string, { action: string }> };
    broken.operations['ingestion.receive.ingest'].action = 'subscribe'; // AsyncAPI 2's word, not 3's
    const { diagnostics } = await new Parser().parse(JSON.stringify(broken));
    expect(diagnostics.filter((d) => d.severity === ERROR)).not.toHaveLength(0);
  });

  it('has a channel for every topic, at the topic name, with its key', () => {
    const channels = parsed.document!.channels();
    for (const [id, topic] of Object.entries(topics)) {
      const channel = channels.get(id);
      expect(channel?.address()).toBe(topic.name);
      const message = channel!.messages().all()[0];
      expect(message.bindings().get('kafka')?.value()).toMatchObject({ key: { type: 'string', description: topic.key } });
    }
    expect(channels.get('deadLetters')?.address()).toBe('tripline.dead-letters.v1');
  });

  it('marks compacted topics as compacted', () => {
    const binding = parsed.document!.channels().get('subscriptionChanges')!.bindings().get('kafka')?.value();
    expect(binding).toMatchObject({ topicConfiguration: { 'cleanup.policy': ['compact'] } });
  });

  it('has one send per producer and one receive per consumer', () => {
    const operations = parsed.document!.operations();
    expect(operations.get('any-producer.send.ingest')?.action()).toBe('send');
    expect(operations.get('ingestion.receive.ingest')?.action()).toBe('receive');
    expect(operations.get('data-platform.receive.commands')?.channels().all()[0].address()).toBe('tripline.commands.v1');
    const expected = Object.values(topics).reduce((n, t) => n + t.producers.length + t.consumers.length, 0);
    expect(operations.all()).toHaveLength(expected);
  });

  describe('the ingest channel payload', () => {
    // The dereferenced schema as the parser hands it to a producer's tooling. Draft-07 (AsyncAPI's
    // schema dialect); zod writes a `pattern` beside every `format`, so the formats are declared
    // known here and the patterns do the checking. The parser annotates each schema with an id.
    const validate = () => {
      const message = parsed.document!.channels().get('ingest')!.messages().all()[0];
      const ajv = new Ajv({ formats: { 'date-time': true, uuid: true } });
      ajv.addVocabulary(['x-parser-schema-id']);
      return ajv.compile(message.payload()!.json() as object);
    };

    it('accepts a valid event with its tenant', () => {
      const check = validate();
      expect(check(sampleIngestMessage)).toBe(true);
    });

    it('rejects an event without its tenant, or with a status the contract does not know', () => {
      const check = validate();
      const { tenantId: _, ...withoutTenant } = sampleIngestMessage;
      expect(check(withoutTenant)).toBe(false);
      expect(check({ ...sampleIngestMessage, data: { ...sampleIngestMessage.data, status: 'exploded' } })).toBe(false);
    });
  });
});
