import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { RegistryOutcome, RegistryQuestion } from '@tripline/contracts';
import { KafkaConnection, RequestReplyClient, TopicConsumers, TopicPublisher } from '@tripline/kafka';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';

/** Asks the registry, which alone owns subscriptions, over Kafka (see RequestReplyClient). */
@Injectable()
export class RegistryClient implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly client: RequestReplyClient<'registryRequests', 'registryReplies'>;

  constructor(kafka: KafkaConnection, consumers: TopicConsumers, publisher: TopicPublisher, @Inject(GATEWAY_ENV) env: GatewayEnv) {
    this.client = new RequestReplyClient(kafka, consumers, publisher, { requests: 'registryRequests', replies: 'registryReplies', answeredBy: 'subscription registry' }, env.REGISTRY_TIMEOUT_MS);
  }

  onApplicationBootstrap(): Promise<void> {
    return this.client.start();
  }

  onApplicationShutdown(): void {
    this.client.stop();
  }

  ask(question: RegistryQuestion): Promise<RegistryOutcome> {
    return this.client.ask<RegistryOutcome>(question);
  }
}
