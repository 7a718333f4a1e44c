import { Module } from '@nestjs/common';
import { ServiceInfraModule } from '@tripline/service';
import { TenancyModule, TenantSession } from '@tripline/tenancy';
import { AdminLockout } from './admin/admin-lockout';
import { AdminTokenCheck } from './admin/admin-token-check';
import { AdminTokenGuard } from './admin/admin-token.guard';
import { ApiDocsController } from './api-docs/api-docs.controller';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { TenantApiKeys } from './api-keys/tenant-api-keys';
import { OpenApiDocument } from './api-docs/openapi-document';
import { TenantListing } from './admin/tenant-listing';
import { TenantProvisioning } from './admin/tenant-provisioning';
import { TenantsController } from './admin/tenants.controller';
import { ConnectorController } from './connector/connector.controller';
import { ConsoleInstanceController } from './console-app/console-instance.controller';
import { ConsoleSessionCredential } from './console-session/console-session-credential';
import { ConsoleSessionController } from './console-session/console-session.controller';
import { ConsoleSessionGuard } from './console-session/console-session.guard';
import { ConsoleSessions } from './console-session/console-sessions';
import { PowerAutomateConnector } from './connector/power-automate-connector';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { dispatcherClient } from './deliveries/dispatcher-client';
import { GATEWAY_ENV, type GatewayEnv } from './gateway.env';
import { OperationsWebhookController } from './operations-webhook/operations-webhook.controller';
import { ChoicesController } from './platform-state/choices.controller';
import { PlatformStateController } from './platform-state/platform-state.controller';
import { PlatformStateProjection } from './platform-state/platform-state.projection';
import { PlatformStateQueries } from './platform-state/platform-state.queries';
import { RefreshRequestsController } from './refresh-requests/refresh-requests.controller';
import { CallbackUrlCheck } from './subscriptions/callback-url-check';
import { CallbackUrlSeal } from './subscriptions/callback-url-seal';
import { registryClient } from './subscriptions/registry-client';
import { SubscriptionLocation } from './subscriptions/subscription-location';
import { SubscriptionSecretReader } from './subscriptions/subscription-secret-reader';
import { TriggersController } from './triggers/triggers.controller';
import { GatewayRetention } from './retention/gateway-retention';
import { EventErasure } from './erasure/event-erasure';
import { EventsController } from './erasure/events.controller';
import { EventEvaluationQueries } from './event-evaluations/event-evaluation-queries';
import { RecentValuesController } from './recent-values/recent-values.controller';
import { RecentValuesQueries } from './recent-values/recent-values.queries';
import { EventEvaluationsController } from './event-evaluations/event-evaluations.controller';
import { TenantErasure } from './erasure/tenant-erasure';
import { SubscriptionsController } from './subscriptions/subscriptions.controller';
import { TestEventsController } from './test-events/test-events.controller';
import { DeadLetterReplay } from './dead-letters/dead-letter-replay';
import { DeadLetterStore } from './dead-letters/dead-letter-store';
import { DeadLettersConsumer } from './dead-letters/dead-letters.consumer';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { ServiceReadiness } from './services/service-readiness';
import { ServicesController } from './services/services.controller';

export function gatewayModule(env: GatewayEnv) {
  @Module({
    imports: [
      ServiceInfraModule.forService('tripline-gateway', env),
      TenancyModule.forRoot({ rateLimit: { limit: env.GATEWAY_RATE_LIMIT, windowMs: env.GATEWAY_RATE_WINDOW } }),
    ],
    controllers: [
      PlatformStateProjection,
      TenantsController,
      SubscriptionsController,
      OperationsWebhookController,
      DeliveriesController,
      TriggersController,
      PlatformStateController,
      ChoicesController,
      RefreshRequestsController,
      ApiDocsController,
      ConnectorController,
      EventsController,
      EventEvaluationsController,
      RecentValuesController,
      ConsoleSessionController,
      ApiKeysController,
      ConsoleInstanceController,
      TestEventsController,
      DeadLettersConsumer,
      DeadLettersController,
      ServicesController,
    ],
    providers: [
      { provide: GATEWAY_ENV, useValue: env },
      AdminLockout,
      AdminTokenCheck,
      AdminTokenGuard,
      ConsoleSessions,
      ConsoleSessionCredential,
      ConsoleSessionGuard,
      // ApiKeyGuard's other credential on the tenant routes: the console's session cookie.
      { provide: TenantSession, useExisting: ConsoleSessionCredential },
      TenantProvisioning,
      TenantListing,
      TenantApiKeys,
      registryClient,
      dispatcherClient,
      CallbackUrlCheck,
      CallbackUrlSeal,
      SubscriptionSecretReader,
      SubscriptionLocation,
      PlatformStateQueries,
      OpenApiDocument,
      PowerAutomateConnector,
      GatewayRetention,
      TenantErasure,
      EventErasure,
      EventEvaluationQueries,
      DeadLetterStore,
      DeadLetterReplay,
      ServiceReadiness,
      RecentValuesQueries,
    ],
  })
  class GatewayModule {}
  return GatewayModule;
}
