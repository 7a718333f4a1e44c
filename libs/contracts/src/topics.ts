import { z } from 'zod';
import { RefreshRequested } from './commands/refresh-requested';
import { DeadLetter } from './dead-letter';
import { DispatcherReply, DispatcherRequest } from './dispatcher/dispatcher-messages';
import { DeliveryOutcome, DeliveryRequest } from './deliveries/delivery-messages';
import { AcceptedEvent, IngestMessage } from './events/envelope';
import { OperationalEvent } from './operations/operational-event';
import { RegistryReply, RegistryRequest } from './registry/registry-messages';
import { SubscriptionChanged } from './subscriptions/subscription';

export interface TopicDefinition {
  /** Versioned: a breaking change to the contract is a new topic, never an edit of this one. */
  name: string;
  /** What the message key is, and so what stays ordered. */
  key: string;
  schema: z.ZodType;
  /** Compacted topics keep the latest message per key: a consumer rebuilds state from them. */
  compacted?: boolean;
  /** What a message on it means; the AsyncAPI document (documents/asyncapi.ts) shows it. */
  description: string;
  /** Who publishes to it: a service name, or who outside Tripline does. */
  producers: readonly string[];
  /** Who reads it: a service name, or who outside Tripline does. */
  consumers: readonly string[];
}

/** Every service consumes with `TopicConsumers`, which dead-letters what it cannot accept. */
const EVERY_SERVICE = ['gateway', 'ingestion', 'registry', 'evaluator', 'dispatcher'] as const;

/** Every topic Tripline uses, with its key and contract. The only place topic names are written. */
export const topics = {
  ingest: {
    name: 'tripline.ingest.v1',
    key: 'any (producer-chosen); tenantId:entityId keeps an entity in order',
    schema: IngestMessage,
    description:
      "Events any producer, in any language, publishes as JSON with their tenant; validated exactly as over HTTP. A message that is not JSON, fails the contract or names an unknown tenant goes to the dead-letters topic. The gateway publishes the console's test events here (POST /v1/console/test-events), so that they pass the same checks as a real event.",
    producers: ['any producer', 'gateway'],
    consumers: ['ingestion'],
  },
  events: {
    name: 'tripline.events.v1',
    key: 'tenantId:entityId',
    schema: AcceptedEvent,
    description: 'Every event ingestion accepted (over HTTP or from the ingest topic), stamped with its tenant, when and how it arrived.',
    producers: ['ingestion'],
    consumers: ['evaluator', 'gateway'],
  },
  registryRequests: {
    name: 'tripline.registry-requests.v1',
    key: 'tenantId',
    schema: RegistryRequest,
    description: 'The gateway asks the registry to subscribe, unsubscribe, get or list subscriptions; the answer comes on the registry-replies topic.',
    producers: ['gateway'],
    consumers: ['registry'],
  },
  registryReplies: {
    name: 'tripline.registry-replies.v1',
    key: 'replyTo (gateway instance)',
    schema: RegistryReply,
    description: 'The registry answers a registry request; each gateway instance keeps only the replies addressed to it (replyTo).',
    producers: ['registry'],
    consumers: ['gateway'],
  },
  dispatcherRequests: {
    name: 'tripline.dispatcher-requests.v1',
    key: 'tenantId',
    schema: DispatcherRequest,
    description: 'The gateway asks the dispatcher for delivery logs, resends and recoveries.',
    producers: ['gateway'],
    consumers: ['dispatcher'],
  },
  dispatcherReplies: {
    name: 'tripline.dispatcher-replies.v1',
    key: 'replyTo (gateway instance)',
    schema: DispatcherReply,
    description: "The dispatcher's answers, read by the gateway instance that asked.",
    producers: ['dispatcher'],
    consumers: ['gateway'],
  },
  subscriptionChanges: {
    name: 'tripline.subscriptions.v1',
    key: 'subscriptionId',
    schema: SubscriptionChanged,
    compacted: true,
    description:
      "The latest state of each subscription after every change (created, reactivated, deleted, disabled); compacted, so reading it from the beginning rebuilds every subscription. The evaluator keeps its index of active subscriptions from it, the dispatcher its endpoints (the sealed callback URL, the sealed secrets, the status). When a tenant is erased, the gateway publishes a tombstone (a null value) for each of its subscriptions, so compaction drops what the topic kept of them; consumers skip tombstones.",
    producers: ['registry', 'gateway'],
    consumers: ['evaluator', 'dispatcher'],
  },
  deliveries: {
    name: 'tripline.deliveries.v1',
    key: 'subscriptionId',
    schema: DeliveryRequest,
    description: 'One callback to make: an event fired a subscription. The delivery id is the webhook-id the callback carries.',
    producers: ['evaluator'],
    consumers: ['dispatcher'],
  },
  deliveryOutcomes: {
    name: 'tripline.delivery-outcomes.v1',
    key: 'subscriptionId',
    schema: DeliveryOutcome,
    description:
      'What became of a delivery that ended other than delivered (failed, gone, cancelled) or of a validation handshake; "gone" (the callback answered 404 or 410) and an endpoint given up on disable the subscription, "validated" activates it.',
    producers: ['dispatcher'],
    consumers: ['registry'],
  },
  operations: {
    name: 'tripline.operations.v1',
    key: 'tenantId',
    schema: OperationalEvent,
    description:
      "Operational events of a tenant's setup: a subscription disabled (its callback answered 404 or 410, it failed for too long, or it failed the validation handshake), with the reason and the redacted callback URL. Every copy of one disabling carries the same noticeId. The evaluator fires the tenant's subscription-disabled subscriptions (its operations webhook among them) from it.",
    producers: ['registry'],
    consumers: ['evaluator', 'operators'],
  },
  commands: {
    name: 'tripline.commands.v1',
    key: 'tenantId',
    schema: RefreshRequested,
    description: 'Commands for the data platform: a flow asked for a refresh.',
    producers: ['gateway'],
    consumers: ['the data platform'],
  },
  deadLetters: {
    name: 'tripline.dead-letters.v1',
    key: "the dead message's key, or topic:partition when it had none",
    schema: DeadLetter,
    description:
      "Messages a consumer could not accept (not JSON, failing the contract, refused for good), with the reason, the failing fields, where they came from, the original bytes and headers. Kept RETENTION_DEAD_LETTERS_DAYS (its retention.ms, set by the services that create topics). The gateway stores each one for the operators (GET /v1/admin/dead-letters), who replay it to its source topic once its cause is fixed.",
    producers: EVERY_SERVICE,
    consumers: ['gateway', 'operators'],
  },
} as const satisfies Record<string, TopicDefinition>;

export type TopicId = keyof typeof topics;
export type MessageOf<T extends TopicId> = z.infer<(typeof topics)[T]['schema']>;
/** What a producer may hand in: defaults may be left out (the schema fills them in). */
export type MessageInput<T extends TopicId> = z.input<(typeof topics)[T]['schema']>;
export const ALL_TOPICS: readonly TopicDefinition[] = Object.values(topics);
