import { Injectable } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import { KafkaConnection, TopicConsumers } from '@tripline/kafka';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, boolean>;
}

/** Ready means: a Kafka broker answers, every consumer has joined its group, Postgres answers. */
@Injectable()
export class Readiness {
  constructor(
    private readonly kafka: KafkaConnection,
    private readonly consumers: TopicConsumers,
    private readonly prisma: PrismaService,
  ) {}

  async report(): Promise<ReadinessReport> {
    const [kafkaBroker, postgres] = await Promise.all([this.kafka.brokerReachable(), this.prisma.isReachable()]);
    const checks = { kafkaBroker, kafkaConsumers: this.consumers.ready, postgres };
    return { ready: Object.values(checks).every(Boolean), checks };
  }
}
