import type { FactoryProvider } from '@nestjs/common';
import type { Subscription } from '@tripline/contracts';
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

/**
 * Resends the subscription's failed deliveries created in [since, until). `current`: the
 * subscription as the registry just wrote it, when the resend follows a change to it (enable).
 */
export async function recoverDeliveries(
  dispatcher: DispatcherClient,
  tenantId: string,
  subscriptionId: string,
  window: { since: string; until?: string },
  current?: Subscription,
): Promise<number> {
  const outcome = await dispatcher.ask({ kind: 'recover', tenantId, subscriptionId, ...window, current });
  if (outcome.kind !== 'recovered') throw new Error(`dispatcher could not recover: ${outcome.kind}`);
  return outcome.count;
}
