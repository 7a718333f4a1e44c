import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ALL_TOPICS, topics, type TopicDefinition, type TopicId } from '@tripline/contracts';
import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import { nestLogCreator } from './kafka-logger';
import { KAFKA_OPTIONS, type KafkaOptions } from './kafka.options';

/**
 * Owns the service's one kafkajs client, its producer and its admin connection. Consumers are
 * created from it too, so every connection shares one configuration and one shutdown.
 */
@Injectable()
export class KafkaConnection implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(KafkaConnection.name);
  readonly kafka: Kafka;
  readonly producer: Producer;
  private producerConnected = false;
  private readonly closers: Array<() => Promise<void>> = [];

  constructor(@Inject(KAFKA_OPTIONS) readonly options: KafkaOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      logCreator: nestLogCreator(),
      retry: { initialRetryTime: 200, retries: 10 },
    });
    this.producer = this.kafka.producer({
      // Partition by key with the Java client's murmur2, so any producer in any language agrees.
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      // Several publishes may be in flight at once; acks=all (below) keeps each durable.
      maxInFlightRequests: 5,
    });
    // kafkajs reconnects on the next send after a broker outage; readiness follows both ways.
    this.producer.on(this.producer.events.CONNECT, () => (this.producerConnected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.producerConnected = false));
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async connect(): Promise<void> {
    await this.ensureTopics(ALL_TOPICS);
    await this.producer.connect();
    this.producerConnected = true;
  }

  /** The topic's name on the broker: the contract's name in this deployment's namespace. */
  topicName(topic: TopicId): string {
    return this.options.namespace + topics[topic].name;
  }

  /** Consumer group ids are namespaced too, and named after the service that owns them. */
  groupId(group: string): string {
    return `${this.options.namespace}${this.options.clientId}.${group}`;
  }

  get isProducerConnected(): boolean {
    return this.producerConnected;
  }

  /** Creates the topics that do not exist yet; safe to run from every service at every boot. */
  async ensureTopics(definitions: readonly TopicDefinition[]): Promise<void> {
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = definitions.filter((t) => !existing.has(this.options.namespace + t.name));
      if (missing.length === 0) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: this.options.namespace + t.name,
          numPartitions: this.options.topicPartitions,
          replicationFactor: -1, // the broker's default: 1 on a dev broker, 3 on a real cluster
          configEntries: t.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
        })),
      });
      this.logger.log(`created topics ${missing.map((t) => this.options.namespace + t.name).join(', ')}`);
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * The end offset (next offset to be written) of each partition of a topic. Retried: just
   * after a topic is created, a broker can briefly answer that it is not yet the leader.
   */
  async endOffsets(topic: TopicId): Promise<Array<{ partition: number; high: string; low: string }>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await admin.fetchTopicOffsets(this.topicName(topic));
        } catch (error) {
          if (attempt >= 10 || !(error as { retriable?: boolean }).retriable) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
        }
      }
    } finally {
      await admin.disconnect();
    }
  }

  onClose(closer: () => Promise<void>): void {
    this.closers.push(closer);
  }

  /**
   * Consumers stop before any shutdown hook runs: a handler in flight finishes (or is abandoned
   * uncommitted) while the database and the producer are still there.
   */
  async beforeApplicationShutdown(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) await close().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    this.producerConnected = false;
  }
}
