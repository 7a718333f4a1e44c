import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { DispatcherOutcome, DispatcherReply, DispatcherRequest } from '@tripline/contracts';
import { TopicConsumers, TopicPublisher, type Inbound } from '@tripline/kafka';
import { DeliveryQueries } from './delivery-queries';
import { DeliveryScheduler } from './delivery-scheduler';

/** Answers the gateway's questions about deliveries: the log, resend, recover. */
@Injectable()
export class DispatcherRequestsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: TopicConsumers,
    private readonly publisher: TopicPublisher,
    private readonly queries: DeliveryQueries,
    private readonly scheduler: DeliveryScheduler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({ topic: 'dispatcherRequests', group: 'requests', handle: (batch) => this.handle(batch) });
  }

  async handle(batch: Array<Inbound<'dispatcherRequests'>>): Promise<void> {
    const replies: DispatcherReply[] = [];
    for (const { value: request } of batch) {
      replies.push({ requestId: request.requestId, replyTo: request.replyTo, outcome: await this.answer(request) });
    }
    this.scheduler.wake();
    await this.publisher.publish('dispatcherReplies', replies.map((r) => ({ key: r.replyTo, value: r })));
  }

  private async answer(request: DispatcherRequest): Promise<DispatcherOutcome> {
    switch (request.kind) {
      case 'deliveries':
        return { kind: 'deliveries', ...(await this.queries.list(request.tenantId, request.subscriptionId, request.limit, request.status, request.before)) };
      case 'resend':
        return { kind: 'resent', found: await this.queries.resend(request.tenantId, request.deliveryId) };
      case 'recover':
        return { kind: 'recovered', count: await this.queries.recover(request.tenantId, request.subscriptionId, request.since, request.until) };
    }
  }
}
