import { DynamicModule, Global, Module } from '@nestjs/common';
import { KafkaConnection } from './kafka-connection';
import { KAFKA_OPTIONS, type KafkaOptions } from './kafka.options';
import { KafkaTransport } from './kafka-transport';
import { TopicConsumers } from './topic-consumer';
import { TopicPublisher } from './topic-publisher';

@Global()
@Module({})
export class KafkaModule {
  /** The usual way: a service's client id plus the Kafka variables of its validated env. */
  static forService(
    clientId: string,
    env: { KAFKA_BROKERS: string[]; KAFKA_TOPIC_NAMESPACE: string; KAFKA_TOPIC_PARTITIONS: number; RETENTION_DEAD_LETTERS_DAYS?: number },
  ): DynamicModule {
    return KafkaModule.forRoot({
      clientId,
      brokers: env.KAFKA_BROKERS,
      namespace: env.KAFKA_TOPIC_NAMESPACE,
      topicPartitions: env.KAFKA_TOPIC_PARTITIONS,
      deadLetterRetentionMs: env.RETENTION_DEAD_LETTERS_DAYS === undefined ? undefined : env.RETENTION_DEAD_LETTERS_DAYS * 86_400_000,
    });
  }

  static forRoot(options: KafkaOptions): DynamicModule {
    return {
      module: KafkaModule,
      providers: [{ provide: KAFKA_OPTIONS, useValue: options }, KafkaConnection, TopicPublisher, TopicConsumers, KafkaTransport],
      exports: [KafkaConnection, TopicPublisher, TopicConsumers, KafkaTransport],
    };
  }
}
