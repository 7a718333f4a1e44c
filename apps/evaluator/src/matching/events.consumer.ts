import { Controller, Inject } from '@nestjs/common';
import type { AcceptedEvent } from '@tripline/contracts';
import { OnTopic, TopicPublisher, tracesByValue, type Inbound, type Outbound } from '@tripline/kafka';
import { EVALUATOR_ENV, type EvaluatorEnv } from '../evaluator.env';
import { SubscriptionCatchUp } from '../subscriptions/subscription-catch-up';
import { TriggerSubscriptionIndex } from '../subscriptions/trigger-subscription-index';
import { ObservationStore } from '../thresholds/observation-store';
import type { Candidate } from './candidate';
import { deliveryId } from './delivery-id';
import { refreshCandidates } from './refresh-triggers';
import { fullRefreshCandidates, unificationCandidates } from './run-triggers';
import { isMeasured, observationOf, thresholdCandidate } from './threshold-triggers';

/**
 * Matches accepted events to subscriptions and emits one delivery request per firing. Per
 * batch: the observations are applied (one transaction), the subscriptions looked up (one
 * query, checked against the subscription changes published so far), the requests published;
 * then the offsets are committed. A redelivered batch yields the same delivery ids, which the
 * dispatcher de-duplicates.
 */
@Controller()
export class EventsConsumer {
  constructor(
    private readonly publisher: TopicPublisher,
    private readonly index: TriggerSubscriptionIndex,
    private readonly catchUp: SubscriptionCatchUp,
    private readonly observations: ObservationStore,
    @Inject(EVALUATOR_ENV) private readonly env: EvaluatorEnv,
  ) {}

  @OnTopic('events', { group: 'events' })
  async handle(batch: Array<Inbound<'events'>>): Promise<void> {
    const events = batch.map((m) => m.value);
    const direct = events.flatMap((event) => directCandidates(event, this.env.DELIVERY_MAX_COMPONENTS_BYTES));
    const candidates = [...direct, ...(await this.thresholdCandidates(events))];
    if (candidates.length === 0) return;

    const keys = candidates.map((c) => ({ tenantId: c.event.tenantId, trigger: c.trigger, entityId: c.entityId }));
    const subscriptions = await this.catchUp.read(() => this.index.matching(keys));

    const requestedAt = new Date().toISOString();
    // Each request joins its own event's trace, not the batch's.
    const traces = tracesByValue(batch);
    const requests: Array<Outbound<'deliveries'>> = [];
    for (const candidate of candidates) {
      const { event, trigger, entityId } = candidate;
      for (const s of subscriptions) {
        if (s.tenantId !== event.tenantId || s.trigger !== trigger || (s.entityId !== null && s.entityId !== entityId)) continue;
        const payload = candidate.fire(s);
        if (!payload) continue;
        requests.push({
          key: s.id,
          value: {
            deliveryId: deliveryId(event.tenantId, candidate.occurrence, s.id),
            tenantId: event.tenantId,
            subscriptionId: s.id,
            trigger,
            eventId: event.id,
            payload,
            requestedAt,
          },
          trace: traces?.get(event),
        });
      }
    }
    await this.publisher.publish('deliveries', requests);
  }

  /** Threshold triggers depend on what came before: the observation store decides the transitions. */
  private async thresholdCandidates(events: AcceptedEvent[]): Promise<Candidate[]> {
    const measured = events.filter(isMeasured);
    const transitions = await this.observations.observe(measured.map(observationOf));
    const byEvent = new Map(measured.map((e) => [`${e.tenantId}|${e.id}`, e]));
    return transitions.map((t) => thresholdCandidate(byEvent.get(`${t.observation.tenantId}|${t.observation.eventId}`)!, t));
  }
}

/** Triggers an event fires on its own, without history. */
function directCandidates(event: AcceptedEvent, componentBytes: number): Candidate[] {
  switch (event.type) {
    case 'datasource.refresh.completed':
      return refreshCandidates(event);
    case 'refresh.completed':
      return fullRefreshCandidates(event, componentBytes);
    case 'unification.completed':
      return unificationCandidates(event);
    case 'segment.refreshed':
    case 'measure.refreshed':
      return [];
  }
}
