import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { DispatcherOutcome, DispatcherQuestion } from '@tripline/contracts';
import { KafkaConnection, RequestReplyClient, TopicConsumers, TopicPublisher } from '@tripline/kafka';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';

/** Asks the dispatcher, which alone owns deliveries, over Kafka (see RequestReplyClient). */
@Injectable()
export class DispatcherClient implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly client: RequestReplyClient<'dispatcherRequests', 'dispatcherReplies'>;

  constructor(kafka: KafkaConnection, consumers: TopicConsumers, publisher: TopicPublisher, @Inject(GATEWAY_ENV) env: GatewayEnv) {
    this.client = new RequestReplyClient(kafka, consumers, publisher, { requests: 'dispatcherRequests', replies: 'dispatcherReplies', answeredBy: 'dispatcher' }, env.REGISTRY_TIMEOUT_MS);
  }

  onApplicationBootstrap(): Promise<void> {
    return this.client.start();
  }

  onApplicationShutdown(): void {
    this.client.stop();
  }

  ask(question: DispatcherQuestion): Promise<DispatcherOutcome> {
    return this.client.ask<DispatcherOutcome>(question);
  }

  /** Resends the subscription's failed deliveries created in [since, until). */
  async recover(tenantId: string, subscriptionId: string, since: string, until?: string): Promise<number> {
    const outcome = await this.ask({ kind: 'recover', tenantId, subscriptionId, since, until });
    if (outcome.kind !== 'recovered') throw new Error(`dispatcher could not recover: ${outcome.kind === 'failed' ? outcome.message : outcome.kind}`);
    return outcome.count;
  }
}
