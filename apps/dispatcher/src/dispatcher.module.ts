import { Module } from '@nestjs/common';
import { ServiceInfraModule } from '@tripline/service';
import { CallbackSender } from './callbacks/callback-sender';
import { AttemptRecorder } from './deliveries/attempt-recorder';
import { DeliveriesConsumer } from './deliveries/deliveries.consumer';
import { DeliveryAttempt } from './deliveries/delivery-attempt';
import { DeliveryLog } from './deliveries/delivery-log';
import { DeliveryMetrics } from './deliveries/delivery-metrics';
import { DeliveryQueries } from './deliveries/delivery-queries';
import { DeliveryScheduler } from './deliveries/delivery-scheduler';
import { DispatcherRequestsConsumer } from './deliveries/dispatcher-requests.consumer';
import { OutcomeOutbox } from './deliveries/outcome-outbox';
import { DISPATCHER_ENV, type DispatcherEnv } from './dispatcher.env';
import { DispatchEndpoints } from './endpoints/dispatch-endpoints';
import { SubscriptionChangesConsumer } from './endpoints/subscription-changes.consumer';
import { DeliveryPartitions } from './deliveries/delivery-partitions';
import { DeliveryRetention } from './retention/delivery-retention';
import { WebhookSigner } from './signing/webhook-signer';

export function dispatcherModule(env: DispatcherEnv) {
  @Module({
    imports: [ServiceInfraModule.forService('tripline-dispatcher', env)],
    controllers: [SubscriptionChangesConsumer, DeliveriesConsumer, DispatcherRequestsConsumer],
    providers: [
      { provide: DISPATCHER_ENV, useValue: env },
      CallbackSender,
      WebhookSigner,
      DispatchEndpoints,
      DeliveryLog,
      DeliveryMetrics,
      AttemptRecorder,
      DeliveryAttempt,
      OutcomeOutbox,
      DeliveryScheduler,
      DeliveryQueries,
      DeliveryPartitions,
      DeliveryRetention,
    ],
  })
  class DispatcherModule {}
  return DispatcherModule;
}
