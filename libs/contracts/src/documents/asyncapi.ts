import { topics, type TopicDefinition, type TopicId } from '../topics';
import { componentSchemas, MESSAGE_NAMES } from './asyncapi-schemas';

/**
 * The version of the contracts this document describes. The topic names carry the major
 * version (`.v1`); raise the minor here when a contract gains a field, so readers can tell.
 */
export const CONTRACTS_VERSION = '1.0.0';

/** Kafka bindings of AsyncAPI 3.0.0 (https://github.com/asyncapi/bindings/tree/master/kafka). */
const KAFKA_BINDING_VERSION = '0.5.0';

const DESCRIPTION = [
  "Tripline's Kafka topics and the JSON messages on them, generated from the zod contracts in libs/contracts (`npm run docs:contracts`).",
  '',
  'Producers in any language may publish events to `tripline.ingest.v1` (the `ingest` channel): JSON with the event and its tenantId, validated exactly as `POST /v1/events`. The other topics are internal to Tripline, except `tripline.commands.v1`, which the data platform reads, and `tripline.dead-letters.v1`, which operators read.',
  '',
  'Every value is UTF-8 JSON. A deployment may set `KAFKA_TOPIC_NAMESPACE`, which prefixes every topic name below. Payload schemas describe what the topic\'s consumers accept: unknown fields are allowed and ignored.',
].join('\n');

/** An operation id from a party's name: "the data platform" -> "data-platform". */
function slug(party: string): string {
  return party
    .replace(/^the /, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .toLowerCase();
}

/**
 * An AsyncAPI 3.0.0 document of every topic in `topics`: one channel per topic, one `send`
 * operation per producer and one `receive` per consumer. Payload schemas live under
 * `components.schemas` and are referenced, so each channel reads in a few lines.
 */
export function asyncApiDocument(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};

  for (const [id, topic] of Object.entries(topics) as Array<[TopicId, TopicDefinition]>) {
    const name = MESSAGE_NAMES[id];
    messages[name] = {
      name,
      title: name,
      contentType: 'application/json',
      payload: { $ref: `#/components/schemas/${name}` },
      bindings: { kafka: { key: { type: 'string', description: topic.key }, bindingVersion: KAFKA_BINDING_VERSION } },
    };
    channels[id] = {
      address: topic.name,
      title: topic.name,
      description: topic.description,
      messages: { [name]: { $ref: `#/components/messages/${name}` } },
      bindings: {
        kafka: {
          topic: topic.name,
          ...(topic.compacted ? { topicConfiguration: { 'cleanup.policy': ['compact'] } } : {}),
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
    };
    const parties = [
      ...topic.producers.map((party) => ({ party, action: 'send', verb: 'publishes to' })),
      ...topic.consumers.map((party) => ({ party, action: 'receive', verb: 'reads' })),
    ];
    for (const { party, action, verb } of parties) {
      operations[`${slug(party)}.${action}.${id}`] = {
        action,
        channel: { $ref: `#/channels/${id}` },
        summary: `${party} ${verb} ${topic.name}`,
        // AsyncAPI 3 requires an operation's messages to be the channel's own.
        messages: [{ $ref: `#/channels/${id}/messages/${name}` }],
      };
    }
  }

  return {
    asyncapi: '3.0.0',
    info: { title: 'Tripline', version: CONTRACTS_VERSION, description: DESCRIPTION },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'An example: the single-node broker `npm start` runs locally. Use your own bootstrap servers (KAFKA_BROKERS) in a deployment.',
      },
    },
    channels,
    operations,
    components: { schemas: componentSchemas(), messages },
  };
}
