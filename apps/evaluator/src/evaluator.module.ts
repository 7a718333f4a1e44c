import { Module } from '@nestjs/common';
import { ServiceInfraModule } from '@tripline/service';
import { EVALUATOR_ENV, type EvaluatorEnv } from './evaluator.env';
import { EvaluationLog } from './evaluations/evaluation-log';
import { EventsConsumer } from './matching/events.consumer';
import { OperationsConsumer } from './matching/operations.consumer';
import { SubscriptionCatchUp } from './subscriptions/subscription-catch-up';
import { KafkaSubscriptionChangeOffsets, SubscriptionChangeOffsets } from './subscriptions/subscription-change-offsets';
import { SubscriptionChangesConsumer } from './subscriptions/subscription-changes.consumer';
import { TriggerSubscriptionIndex } from './subscriptions/trigger-subscription-index';
import { ObservationStore } from './thresholds/observation-store';
import { ObservationRetention } from './retention/observation-retention';

export function evaluatorModule(env: EvaluatorEnv) {
  @Module({
    imports: [ServiceInfraModule.forService('tripline-evaluator', env)],
    controllers: [SubscriptionChangesConsumer, EventsConsumer, OperationsConsumer],
    providers: [
      { provide: EVALUATOR_ENV, useValue: env },
      TriggerSubscriptionIndex,
      { provide: SubscriptionChangeOffsets, useClass: KafkaSubscriptionChangeOffsets },
      SubscriptionCatchUp,
      ObservationStore,
      EvaluationLog,
      ObservationRetention,
    ],
  })
  class EvaluatorModule {}
  return EvaluatorModule;
}
