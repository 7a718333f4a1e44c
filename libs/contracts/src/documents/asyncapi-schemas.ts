import { z } from 'zod';
import { ExternalId, IsoDateTime, TenantId } from '../common';
import { TriggerPayload } from '../deliveries/trigger-payloads';
import { EVENT_SCHEMAS } from '../events/envelope';
import { Subscription } from '../subscriptions/subscription';
import { topics, type TopicId } from '../topics';
import type { JsonSchema } from './json-schemas';

/** Each topic's message, named after its contract. Typed by topic, so a new topic must be named here. */
export const MESSAGE_NAMES: Record<TopicId, string> = {
  ingest: 'IngestMessage',
  events: 'AcceptedEvent',
  registryRequests: 'RegistryRequest',
  registryReplies: 'RegistryReply',
  dispatcherRequests: 'DispatcherRequest',
  dispatcherReplies: 'DispatcherReply',
  subscriptionChanges: 'SubscriptionChanged',
  deliveries: 'DeliveryRequest',
  deliveryOutcomes: 'DeliveryOutcome',
  operations: 'OperationalEvent',
  commands: 'RefreshRequested',
  deadLetters: 'DeadLetter',
};

/**
 * Building blocks several contracts share: one component each, referenced wherever they occur,
 * so a long timestamp pattern is written once instead of on every field.
 */
const SHARED: ReadonlyArray<[name: string, schema: z.ZodType, description: string]> = [
  ['Timestamp', IsoDateTime, 'An ISO 8601 date-time with an explicit offset, e.g. 2026-11-26T10:00:00Z.'],
  ['TenantId', TenantId, 'The tenant (a data platform instance): a UUID.'],
  ['ExternalId', ExternalId, 'An id the producer chose (event, entity, run): 1 to 200 characters, not blank.'],
  ['Subscription', Subscription, 'A subscription as the registry holds it.'],
  ['TriggerPayload', TriggerPayload, 'A callback body: the payload of one of the triggers.'],
  // Each event type's `data`, shared by the ingest message and the accepted event.
  ...EVENT_SCHEMAS.map((event): [string, z.ZodType, string] => [
    `${pascal(event.shape.type.value)}Data`,
    event.shape.data,
    `The data of a ${event.shape.type.value} event.`,
  ]),
];

function pascal(dotted: string): string {
  return dotted.replace(/(^|[.\-_])([a-z])/g, (_, _sep: string, letter: string) => letter.toUpperCase());
}

/**
 * Every topic's message and the shared blocks as AsyncAPI components. zod emits a `$ref` to
 * `#/components/schemas/<name>` wherever a registered schema occurs. AsyncAPI 3.0.0's default
 * schema format is a superset of JSON Schema draft-07, hence that target; `$schema` and `$id`
 * are implied by the document and left out. Input types: what the topic's consumers accept.
 */
export function componentSchemas(): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const id of Object.keys(topics) as TopicId[]) registry.add(topics[id].schema, { id: MESSAGE_NAMES[id] });
  for (const [name, schema] of SHARED) registry.add(schema, { id: name });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'throw',
    uri: (id) => `#/components/schemas/${id}`,
  });
  // Only cycles or registered duplicates would put anything in `__shared`: none today, and the
  // document has nowhere to resolve it from.
  if ('__shared' in schemas) throw new Error('contract schemas need shared definitions; register them in SHARED');
  const out: Record<string, JsonSchema> = {};
  for (const [name, { $schema: _dialect, $id: _id, ...schema }] of Object.entries(schemas)) out[name] = schema;
  for (const [name, , description] of SHARED) out[name] = { description, ...out[name] };
  return out;
}
