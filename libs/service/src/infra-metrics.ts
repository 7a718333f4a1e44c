import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { topics } from '@tripline/contracts';
import { PrismaService } from '@tripline/db';
import { KafkaConnection, TopicConsumers } from '@tripline/kafka';
import { MetricsRegistry, sharedSample } from '@tripline/metrics';
import type { Gauge } from 'prom-client';

/** A scrape must answer even with the broker gone: the lag read gives up after this. */
const LAG_READ_TIMEOUT_MS = 2_000;

export interface PartitionLag {
  group: string;
  topic: string;
  partition: string;
  lag: number;
}

/**
 * The metrics every service has, whatever it does: its dead letters, its Kafka and Postgres
 * client failures (counted as they happen, from the libs' signals) and its consumer groups' lag
 * (read from the broker at scrape time: two admin requests per consumer, the partitions' ends
 * and the group's committed offsets, on the connection KafkaConnection keeps open for that).
 */
@Injectable()
export class InfraMetrics implements OnModuleInit {
  private readonly logger = new Logger(InfraMetrics.name);

  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly kafka: KafkaConnection,
    private readonly consumers: TopicConsumers,
    private readonly prisma: PrismaService,
  ) {}

  /** Scrapes that overlap (several Prometheus servers, a scrape loop) share one read of the broker. */
  private readonly lagSample = sharedSample(() => this.readLag());

  onModuleInit(): void {
    const deadLetters = this.metrics.counter('deadLetters');
    const kafkaErrors = this.metrics.counter('kafkaClientErrors');
    const postgresErrors = this.metrics.counter('postgresClientErrors');
    this.kafka.signals.onDeadLetters((topic, reason, count) => deadLetters.inc({ topic: topics[topic].name, reason }, count));
    this.kafka.signals.onClientError((operation) => kafkaErrors.inc({ operation }));
    this.prisma.onClientError((kind) => postgresErrors.inc({ kind }));
    this.metrics.gauge('consumerLag', (gauge) => this.setLag(gauge));
  }

  private async setLag(gauge: Gauge<'group' | 'topic' | 'partition'>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const lags = await Promise.race([
        this.lagSample(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${LAG_READ_TIMEOUT_MS} ms`)), LAG_READ_TIMEOUT_MS))),
      ]);
      gauge.reset();
      for (const { lag, ...labels } of lags) gauge.set(labels, lag);
    } catch (error) {
      // Unknown is shown as absent, not as the last value read.
      gauge.reset();
      this.kafka.signals.clientError('admin');
      this.logger.warn(`reading consumer lag failed: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The shared groups' lag. A consumer that starts at the end is a group of one instance (the
   * gateway's replies, named after the instance): never behind by history, and a new group name,
   * so a new series, per process; it is left out, as every id is kept out of labels.
   */
  async readLag(): Promise<PartitionLag[]> {
    const perConsumer = await Promise.all(
      this.consumers.consumed.filter((c) => c.fromBeginning).map(async ({ topic, group, fromBeginning }) => {
        const [ends, committed] = await Promise.all([this.kafka.partitionEnds(topic), this.kafka.committedOffsets(topic, group)]);
        return ends.map((end) => ({
          group: this.kafka.groupId(group),
          topic: topics[topic].name,
          partition: String(end.partition),
          lag: partitionLag(end, committed.get(end.partition), fromBeginning),
        }));
      }),
    );
    return perConsumer.flat();
  }
}

/**
 * How many messages of a partition the group has not committed: from its committed offset to the
 * partition's end. A partition it never committed is behind by all it holds, or by nothing for a
 * consumer that starts at the end (the gateway's replies: only what comes after it counts).
 */
export function partitionLag(end: { low: bigint; high: bigint }, committed: bigint | undefined, fromBeginning: boolean): number {
  const from = committed ?? (fromBeginning ? end.low : end.high);
  // A committed offset below the partition's start (retention deleted what it had not read) counts from the start.
  return Number(end.high - (from < end.low ? end.low : from));
}
