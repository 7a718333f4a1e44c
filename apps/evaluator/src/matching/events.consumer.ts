import { Controller, Inject } from '@nestjs/common';
import type { AcceptedEvent, TriggerName } from '@tripline/contracts';
import { OnTopic, TopicPublisher, tracesByValue, type Inbound, type Outbound } from '@tripline/kafka';
import { MetricsRegistry, tally } from '@tripline/metrics';
import type { Counter } from 'prom-client';
import { EVALUATOR_ENV, type EvaluatorEnv } from '../evaluator.env';
import { EvaluationLog } from '../evaluations/evaluation-log';
import { evaluationsOf, type EventEvaluation } from '../evaluations/event-evaluation';
import { SubscriptionCatchUp } from '../subscriptions/subscription-catch-up';
import { TriggerSubscriptionIndex } from '../subscriptions/trigger-subscription-index';
import { ObservationStore, type ObservationOutcome } from '../thresholds/observation-store';
import { candidateKey, deliveryRequests } from './firings';
import { directCandidates } from './direct-candidates';
import { isMeasured, observationOf, thresholdCandidates, thresholdKey } from './threshold-triggers';

/**
 * Matches accepted events to subscriptions and emits one delivery request per firing. Per
 * batch: the subscriptions are looked up (one query, checked against the subscription changes
 * published so far); the observations are applied (one transaction), which also records each
 * event's evaluation (one row per event: `EvaluationLog`); the requests are published; then the
 * offsets are committed. A batch without segments or measures records its evaluations beside
 * the publish. A redelivered batch yields the same delivery ids, which the dispatcher
 * de-duplicates, and leaves the records as they were.
 */
@Controller()
export class EventsConsumer {
  /** Delivery requests published, by trigger (a batch handled again after a crash publishes, and counts, its requests again). */
  private readonly firings: Counter<'trigger'>;

  constructor(
    private readonly publisher: TopicPublisher,
    private readonly index: TriggerSubscriptionIndex,
    private readonly catchUp: SubscriptionCatchUp,
    private readonly observations: ObservationStore,
    private readonly evaluations: EvaluationLog,
    @Inject(EVALUATOR_ENV) private readonly env: EvaluatorEnv,
    metrics: MetricsRegistry,
  ) {
    this.firings = metrics.counter('firings');
  }

  @OnTopic('events', { group: 'events' })
  async handle(batch: Array<Inbound<'events'>>): Promise<void> {
    const events = batch.map((m) => m.value);
    // Before the lookup: a subscription made after this cannot have been looked up for the batch.
    const evaluatedAt = new Date();
    const direct = events.flatMap((event) => directCandidates(event, this.env.DELIVERY_MAX_COMPONENTS_BYTES));
    const measured = events.filter(isMeasured);
    // A segment's or measure's subscriptions are known before its observation is judged: looked up first, the
    // observation transaction holds its row locks only as long as it must.
    const keys = [...direct.map(candidateKey), ...measured.map(thresholdKey)];
    const subscriptions = keys.length === 0 ? [] : await this.catchUp.read(() => this.index.matching(keys));

    const requestedAt = new Date().toISOString();
    const traces = tracesByValue(batch);
    // The trigger each event is matched against (none for a refresh still retrying, or a partial one).
    const considered = new Map<AcceptedEvent, TriggerName>(direct.map((c) => [c.event, c.trigger]));
    for (const e of measured) considered.set(e, thresholdKey(e).trigger);
    const decide = (outcomes: ObservationOutcome[]) => {
      const requests = deliveryRequests([...direct, ...thresholdCandidates(measured, outcomes)], subscriptions, requestedAt, (c) => traces?.get(c.event));
      return { requests, evaluations: evaluationsOf(events, considered, outcomes, requests) };
    };

    let requests: Array<Outbound<'deliveries'>>;
    if (measured.length === 0) {
      const decided = decide([]);
      requests = decided.requests;
      await Promise.all([this.publisher.publish('deliveries', requests), this.evaluations.record(decided.evaluations, evaluatedAt)]);
    } else {
      // Threshold triggers depend on what came before: the observation store decides the transitions.
      requests = await this.observeAndRecord(measured.map(observationOf), decide, evaluatedAt);
      await this.publisher.publish('deliveries', requests);
    }
    tally(this.firings, requests, ({ value: { trigger } }) => ({ trigger }));
  }

  /** Applies the observations and records the batch's evaluations in the same transaction. */
  private async observeAndRecord(
    observations: Parameters<ObservationStore['observe']>[0],
    decide: (outcomes: ObservationOutcome[]) => { requests: Array<Outbound<'deliveries'>>; evaluations: EventEvaluation[] },
    evaluatedAt: Date,
  ): Promise<Array<Outbound<'deliveries'>>> {
    let requests: Array<Outbound<'deliveries'>> = [];
    await this.observations.observe(observations, async (outcomes, run) => {
      const decided = decide(outcomes);
      requests = decided.requests;
      await this.evaluations.record(decided.evaluations, evaluatedAt, run);
    });
    return requests;
  }
}
