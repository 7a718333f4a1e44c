import { Module } from '@nestjs/common';
import { ServiceInfraModule } from '@tripline/service';
import { OperationalEvents } from './operations/operational-events';
import { DeliveryOutcomesConsumer } from './outcomes/delivery-outcomes.consumer';
import { REGISTRY_ENV, type RegistryEnv } from './registry.env';
import { CallbackUrls } from './subscriptions/callback-urls';
import { LegacyCallbackUrls } from './subscriptions/legacy-callback-urls';
import { RegistryRequestsConsumer } from './subscriptions/registry-requests.consumer';
import { SubscriptionChanges } from './subscriptions/subscription-changes';
import { SubscriptionRows } from './subscriptions/subscription-rows';
import { SubscriptionSecrets } from './subscriptions/subscription-secrets';
import { SubscriptionStore } from './subscriptions/subscription-store';

export function registryModule(env: RegistryEnv) {
  @Module({
    imports: [ServiceInfraModule.forService('tripline-registry', env)],
    controllers: [RegistryRequestsConsumer, DeliveryOutcomesConsumer],
    providers: [
      { provide: REGISTRY_ENV, useValue: env },
      SubscriptionSecrets,
      CallbackUrls,
      SubscriptionRows,
      SubscriptionStore,
      SubscriptionChanges,
      OperationalEvents,
      LegacyCallbackUrls,
    ],
  })
  class RegistryModule {}
  return RegistryModule;
}
