import { DynamicModule, Module } from '@nestjs/common';
import { DbModule } from '@tripline/db';
import { KafkaModule } from '@tripline/kafka';
import { MetricsModule } from '@tripline/metrics';
import { TracingModule } from '@tripline/tracing';
import { HealthModule } from './health.module';
import { InfraMetrics } from './infra-metrics';
import { MetricsController } from './metrics.controller';

interface InfraEnv {
  KAFKA_BROKERS: string[];
  KAFKA_TOPIC_NAMESPACE: string;
  KAFKA_TOPIC_PARTITIONS: number;
  RETENTION_DEAD_LETTERS_DAYS?: number;
  DATABASE_URL: string;
}

/**
 * What every service stands on: its Kafka client, the database, the health endpoints, its
 * metrics (a registry of its own, scraped at `GET /metrics`) and the flush of its spans at shutdown.
 */
@Module({})
export class ServiceInfraModule {
  static forService(clientId: string, env: InfraEnv): DynamicModule {
    return {
      module: ServiceInfraModule,
      imports: [KafkaModule.forService(clientId, env), DbModule.forRoot(env.DATABASE_URL), HealthModule, MetricsModule, TracingModule],
      controllers: [MetricsController],
      providers: [InfraMetrics],
      exports: [HealthModule],
    };
  }
}
