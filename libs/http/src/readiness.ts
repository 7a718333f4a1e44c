import { Injectable } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import { KafkaConnection, TopicConsumers } from '@tripline/kafka';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, boolean>;
}

/** Ready means: the producer is connected, every consumer has joined its group, Postgres answers. */
@Injectable()
export class Readiness {
  constructor(
    private readonly kafka: KafkaConnection,
    private readonly consumers: TopicConsumers,
    private readonly prisma: PrismaService,
  ) {}

  async report(): Promise<ReadinessReport> {
    const checks = {
      kafkaProducer: this.kafka.isProducerConnected,
      kafkaConsumers: this.consumers.ready,
      postgres: await this.prisma.isReachable(),
    };
    return { ready: Object.values(checks).every(Boolean), checks };
  }
}
