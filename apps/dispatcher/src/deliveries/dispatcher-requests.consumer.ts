import { Controller } from '@nestjs/common';
import type { DispatcherOutcome, DispatcherRequest } from '@tripline/contracts';
import { OnTopic, TopicPublisher, type Inbound, type Outbound } from '@tripline/kafka';
import { DeliveryQueries } from './delivery-queries';
import { DeliveryScheduler } from './delivery-scheduler';

/** Answers the gateway's questions about deliveries: the log, resend, recover. */
@Controller()
export class DispatcherRequestsConsumer {
  constructor(
    private readonly publisher: TopicPublisher,
    private readonly queries: DeliveryQueries,
    private readonly scheduler: DeliveryScheduler,
  ) {}

  @OnTopic('dispatcherRequests', { group: 'requests' })
  async handle(batch: Array<Inbound<'dispatcherRequests'>>): Promise<void> {
    const replies: Array<Outbound<'dispatcherReplies'>> = [];
    for (const { value: request, trace } of batch) {
      const value = { requestId: request.requestId, replyTo: request.replyTo, outcome: await this.answer(request) };
      replies.push({ key: request.replyTo, value, trace });
    }
    this.scheduler.wake();
    await this.publisher.publish('dispatcherReplies', replies);
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
