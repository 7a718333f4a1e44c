import { Module } from '@nestjs/common';
import { ServiceInfraModule } from '@tripline/service';
import { TenancyModule } from '@tripline/tenancy';
import { EventIntake } from './events/event-intake';
import { EventsController } from './events/events.controller';
import { IntakeMetrics } from './events/intake-metrics';
import { IngestTopicConsumer } from './ingest-topic/ingest-topic.consumer';
import { KnownTenants } from './ingest-topic/known-tenants';
import { INGESTION_ENV, type IngestionEnv } from './ingestion.env';

export function ingestionModule(env: IngestionEnv) {
  @Module({
    imports: [
      ServiceInfraModule.forService('tripline-ingestion', env),
      TenancyModule.forRoot({ rateLimit: { limit: env.INGEST_RATE_LIMIT, windowMs: env.INGEST_RATE_WINDOW } }),
    ],
    controllers: [EventsController, IngestTopicConsumer],
    providers: [{ provide: INGESTION_ENV, useValue: env }, EventIntake, IntakeMetrics, KnownTenants],
  })
  class IngestionModule {}
  return IngestionModule;
}
