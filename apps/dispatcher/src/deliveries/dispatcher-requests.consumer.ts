import { Controller } from '@nestjs/common';
import type { DispatcherOutcome, DispatcherRequest } from '@tripline/contracts';
import { OnTopic, TopicPublisher, type Inbound, type Outbound } from '@tripline/kafka';
import { DispatchEndpoints } from '../endpoints/dispatch-endpoints';
import { DeliveryQueries } from './delivery-queries';
import { DeliveryScheduler } from './delivery-scheduler';

/** Answers the gateway's questions about deliveries: the log, how each subscription fares, resend, recover. */
@Controller()
export class DispatcherRequestsConsumer {
  constructor(
    private readonly publisher: TopicPublisher,
    private readonly queries: DeliveryQueries,
    private readonly scheduler: DeliveryScheduler,
    private readonly endpoints: DispatchEndpoints,
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
        return { kind: 'deliveries', ...(await this.queries.list(request.tenantId, request, request.limit, request.before)) };
      case 'summaries':
        return { kind: 'summaries', summaries: await this.queries.summaries(request.tenantId, [...new Set(request.subscriptionIds)]) };
      case 'resend':
        return { kind: 'resent', found: await this.queries.resend(request.tenantId, request.deliveryId) };
      case 'recover': {
        // Re-enabled a moment ago: its subscription change may still be on its way to this
        // dispatcher, which would fail the resent deliveries against the endpoint it holds as
        // disabled. The registry's own snapshot is applied first (only if newer, like the change).
        const current = request.current;
        if (current && current.tenantId === request.tenantId && current.id === request.subscriptionId && this.endpoints.opens(current.sealedCallbackUrl)) {
          await this.endpoints.apply([current]);
        }
        return { kind: 'recovered', count: await this.queries.recover(request.tenantId, request.subscriptionId, request.since, request.until) };
      }
    }
  }
}
