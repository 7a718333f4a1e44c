import type { FactoryProvider } from '@nestjs/common';
import { KafkaConnection, KafkaRequestClient, TopicConsumers, TopicPublisher } from '@tripline/kafka';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';

/** Asks the registry, which alone owns subscriptions, over Kafka (see KafkaRequestClient). */
export type RegistryClient = KafkaRequestClient<'registryRequests', 'registryReplies'>;
export const RegistryClient = Symbol('RegistryClient');

export const registryClient: FactoryProvider<RegistryClient> = {
  provide: RegistryClient,
  inject: [KafkaConnection, TopicConsumers, TopicPublisher, GATEWAY_ENV],
  useFactory: (kafka: KafkaConnection, consumers: TopicConsumers, publisher: TopicPublisher, env: GatewayEnv) =>
    new KafkaRequestClient(kafka, consumers, publisher, {
      requests: 'registryRequests',
      replies: 'registryReplies',
      answeredBy: 'subscription registry',
      timeoutMs: env.REGISTRY_TIMEOUT_MS,
    }),
};
