import { z } from 'zod';
import { TriggerPayloads } from '../deliveries/trigger-payloads';
import { EVENT_SCHEMAS, IngestMessage, type EventType } from '../events/envelope';
import { TRIGGER_CATALOGUE } from '../subscriptions/trigger-catalogue';
import { TRIGGER_NAMES } from '../subscriptions/triggers';

export type JsonSchema = Record<string, unknown>;

/** Where the published schemas say they live; `$id` must be an absolute URI. */
export const SCHEMA_BASE_URI = 'https://tripline.dev/schemas/';

/** Typed by event type, so a new event type does not compile until it is described here. */
const EVENT_DESCRIPTIONS: Record<EventType, string> = {
  'datasource.refresh.completed': 'A data source refresh ended, or is being retried by the platform.',
  'segment.refreshed': 'A segment was recalculated: its member count now.',
  'measure.refreshed': 'A business measure was recalculated: its value now.',
  'refresh.completed': 'A refresh run (full or partial, scheduled or started by hand) finished, with the outcome of each component.',
  'unification.completed': 'A unification run (map, match, merge) finished.',
};

/**
 * A zod contract as JSON Schema. `io: 'input'` describes what Tripline accepts (a producer's
 * view: defaults may be left out, unknown fields are allowed and dropped); `output` what it
 * sends. Anything zod cannot express throws, so a contract never silently loses a rule here.
 */
function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'throw' }) as JsonSchema;
}

/** `$schema`, `$id`, `title` and `description` first, so every file opens with what it is. */
function published(name: string, title: string, description: string, schema: JsonSchema): JsonSchema {
  const { $schema, ...rest } = schema;
  return { $schema, $id: `${SCHEMA_BASE_URI}${name}.json`, title, description, ...rest };
}

function triggersFiredBy(type: EventType): string {
  const names = TRIGGER_CATALOGUE.filter((t) => t.firedBy === type).map((t) => t.name);
  return names.length > 0 ? ` Can fire: ${names.join(', ')}.` : '';
}

/**
 * One JSON Schema (draft 2020-12) per event contract, keyed by file name without `.json`:
 * each event type as sent over HTTP, the Kafka ingest message, and each trigger's callback body.
 */
export function contractJsonSchemas(): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const event of EVENT_SCHEMAS) {
    const type = event.shape.type.value;
    out[type] = published(
      type,
      `${type} event`,
      `${EVENT_DESCRIPTIONS[type]}${triggersFiredBy(type)} Sent as JSON to POST /v1/events (one event, or {"events": [...]}).`,
      toJsonSchema(event, 'input'),
    );
  }
  out['ingest-message'] = published(
    'ingest-message',
    'Ingest message',
    'An event published on the Kafka topic tripline.ingest.v1: any event type, plus the tenantId it belongs to (there is no API key on Kafka to derive it from).',
    toJsonSchema(IngestMessage, 'input'),
  );
  // Every trigger name, not only the catalogue's entries: a trigger missing from the catalogue
  // fails here, loudly, instead of leaving its callback undocumented.
  for (const trigger of TRIGGER_NAMES) {
    const entry = TRIGGER_CATALOGUE.find((t) => t.name === trigger);
    if (!entry) throw new Error(`trigger ${trigger} is not in TRIGGER_CATALOGUE`);
    const name = `payload.${trigger}`;
    out[name] = published(
      name,
      `Callback payload: ${entry.summary}`,
      `The JSON body Tripline POSTs to a ${trigger} subscription's callback URL. ${entry.description}`,
      toJsonSchema(TriggerPayloads[trigger], 'output'),
    );
  }
  return out;
}
