import type { FactoryProvider } from '@nestjs/common';
import { KafkaConnection, KafkaRequestClient, TopicConsumers, TopicPublisher } from '@tripline/kafka';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';

/** Asks the dispatcher, which alone owns deliveries, over Kafka (see KafkaRequestClient). */
export type DispatcherClient = KafkaRequestClient<'dispatcherRequests', 'dispatcherReplies'>;
export const DispatcherClient = Symbol('DispatcherClient');

export const dispatcherClient: FactoryProvider<DispatcherClient> = {
  provide: DispatcherClient,
  inject: [KafkaConnection, TopicConsumers, TopicPublisher, GATEWAY_ENV],
  useFactory: (kafka: KafkaConnection, consumers: TopicConsumers, publisher: TopicPublisher, env: GatewayEnv) =>
    new KafkaRequestClient(kafka, consumers, publisher, {
      requests: 'dispatcherRequests',
      replies: 'dispatcherReplies',
      answeredBy: 'dispatcher',
      timeoutMs: env.DISPATCHER_TIMEOUT_MS,
    }),
};

/** Resends the subscription's failed deliveries created in [since, until). */
export async function recoverDeliveries(dispatcher: DispatcherClient, tenantId: string, subscriptionId: string, since: string, until?: string): Promise<number> {
  const outcome = await dispatcher.ask({ kind: 'recover', tenantId, subscriptionId, since, until });
  if (outcome.kind !== 'recovered') throw new Error(`dispatcher could not recover: ${outcome.kind}`);
  return outcome.count;
}
