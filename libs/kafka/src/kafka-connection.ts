import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ALL_TOPICS, topics, type TopicDefinition, type TopicId } from '@tripline/contracts';
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { KafkaSignals } from './kafka-signals';
import { nestLogCreator } from './kafka-logger';
import { KAFKA_OPTIONS, type KafkaOptions } from './kafka.options';
import { RecordProducer } from './record-producer';

/** How long boot-time admin calls keep retrying a broker that is not answering well yet. */
const BOOT_RETRY_MS = 60_000;
/** A readiness probe's answer is reused this long: several checkers in one second cost one request. */
const BROKER_PROBE_TTL_MS = 1_000;
/** A broker that has not answered a metadata request by then counts as unreachable. */
const BROKER_PROBE_TIMEOUT_MS = 2_000;

/**
 * Owns the service's one kafkajs client, its producer (RecordProducer) and its admin connection.
 * Consumers are created from it too, so every connection shares one configuration and one shutdown.
 */
@Injectable()
export class KafkaConnection implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(KafkaConnection.name);
  readonly kafka: Kafka;
  readonly producer: RecordProducer;
  private probeAdmin?: Admin;
  private offsetReader?: Promise<Admin>;
  private lastProbe?: { at: number; reachable: Promise<boolean> };
  private readonly closers: Array<() => Promise<void>> = [];
  /** Dead letters and client failures, for the service's metrics. */
  readonly signals = new KafkaSignals();

  constructor(@Inject(KAFKA_OPTIONS) readonly options: KafkaOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      logCreator: nestLogCreator(),
      retry: { initialRetryTime: 200, retries: 10 },
    });
    // Every send that fails counts, whoever sent it (the publisher, the request clients).
    this.producer = new RecordProducer(this.kafka, () => this.signals.clientError('publish'));
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async connect(): Promise<void> {
    await this.ensureTopics(ALL_TOPICS);
    await this.producer.connect();
  }

  /** The topic's name on the broker: the contract's name in this deployment's namespace. */
  topicName(topic: TopicId): string {
    return this.options.namespace + topics[topic].name;
  }

  /** Consumer group ids are namespaced too, and named after the service that owns them. */
  groupId(group: string): string {
    return `${this.options.namespace}${this.options.clientId}.${group}`;
  }

  /**
   * Whether a broker answers a metadata request now. Asked, not remembered: kafkajs' producer
   * reports no disconnect when its broker goes away (it finds out, and reconnects, at the next
   * send), so a flag kept from its events would say "connected" through a whole outage.
   */
  brokerReachable(): Promise<boolean> {
    const now = Date.now();
    if (this.lastProbe && now - this.lastProbe.at < BROKER_PROBE_TTL_MS) return this.lastProbe.reachable;
    const reachable = this.probeBroker();
    this.lastProbe = { at: now, reachable };
    return reachable;
  }

  private async probeBroker(): Promise<boolean> {
    // No retries: the probe's answer is about now, and the next probe is the retry.
    const admin = (this.probeAdmin ??= this.kafka.admin({ retry: { retries: 0 } }));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), BROKER_PROBE_TIMEOUT_MS)));
    try {
      await Promise.race([admin.connect().then(() => admin.describeCluster()), timeout]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Creates the topics that do not exist yet, and returns once every partition of every one has
   * a leader. Safe to run from every service at every boot: services booting together race to
   * create the same topics, and a loser's createTopics returns before the winner's topics have
   * leaders, so leadership is awaited here rather than trusted to createTopics.
   */
  async ensureTopics(definitions: readonly TopicDefinition[]): Promise<void> {
    const names = definitions.map((t) => this.options.namespace + t.name);
    await this.withAdmin('creating topics', async (admin) => {
      const existing = new Set(await admin.listTopics());
      const missing = definitions.filter((t) => !existing.has(this.options.namespace + t.name));
      if (missing.length === 0) return;
      const created = await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: this.options.namespace + t.name,
          numPartitions: this.options.topicPartitions,
          replicationFactor: -1, // the broker's default: 1 on a dev broker, 3 on a real cluster
          configEntries: [...(t.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : []), ...this.retentionOf(t)],
        })),
      });
      if (created) this.logger.log(`created topics ${missing.map((t) => this.options.namespace + t.name).join(', ')}`);
    });
    // Not a reason to stay down: a broker that refuses the update (ACLs) keeps the old retention.
    await this.applyRetention(definitions).catch((error: Error) => this.logger.warn(`the dead letters' retention is unchanged: ${error.message}`));
    await this.withAdmin('waiting for topic leaders', async (admin) => {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: names });
      const leaderless = metadata.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0)).map((t) => t.name);
      if (leaderless.length > 0) throw new Error(`no leader yet for ${leaderless.join(', ')}`);
    });
  }

  /** The `retention.ms` this deployment sets on a topic: only the dead letters' is configured. */
  private retentionOf(t: TopicDefinition): Array<{ name: string; value: string }> {
    const ms = this.options.deadLetterRetentionMs;
    return ms !== undefined && t.name === topics.deadLetters.name ? [{ name: 'retention.ms', value: String(ms) }] : [];
  }

  /**
   * A topic created before (or by a service with another setting) keeps its retention until it
   * is updated: set it when it differs. AlterConfigs replaces a topic's whole configuration, so
   * it is used only for topics whose one setting is this (the dead letters), never a compacted one.
   */
  private async applyRetention(definitions: readonly TopicDefinition[]): Promise<void> {
    const wanted = definitions.flatMap((t) => this.retentionOf(t).map((entry) => ({ name: this.options.namespace + t.name, entry })));
    if (wanted.length === 0) return;
    await this.withAdmin('setting topic retention', async (admin) => {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: wanted.map((w) => ({ type: ConfigResourceTypes.TOPIC, name: w.name, configNames: ['retention.ms'] })),
      });
      const stale = wanted.filter((w) => resources.find((r) => r.resourceName === w.name)?.configEntries.find((c) => c.configName === 'retention.ms')?.configValue !== w.entry.value);
      if (stale.length === 0) return;
      await admin.alterConfigs({ validateOnly: false, resources: stale.map((w) => ({ type: ConfigResourceTypes.TOPIC, name: w.name, configEntries: [w.entry] })) });
      this.logger.log(`set ${stale.map((w) => `${w.name} ${w.entry.name}=${w.entry.value}`).join(', ')}`);
    });
  }

  /** The end offset (next offset to be written) of each partition of a topic. */
  async endOffsets(topic: TopicId): Promise<Array<{ partition: number; high: string; low: string }>> {
    return this.withAdmin(`reading the end offsets of ${this.topicName(topic)}`, (admin) => admin.fetchTopicOffsets(this.topicName(topic)));
  }

  /**
   * Where each partition of a topic starts and ends (the next offset to be written) now. Asked on
   * a connection kept open, without the boot-time retries: callers ask often, and retry on their
   * own terms.
   */
  async partitionEnds(topic: TopicId): Promise<Array<{ partition: number; low: bigint; high: bigint }>> {
    const ends = await (await this.offsetsAdmin()).fetchTopicOffsets(this.topicName(topic));
    return ends.map(({ partition, low, high }) => ({ partition, low: BigInt(low), high: BigInt(high) }));
  }

  /** The offsets a consumer group of this service has committed on a topic; a partition it never committed is absent. */
  async committedOffsets(topic: TopicId, group: string): Promise<Map<number, bigint>> {
    const admin = await this.offsetsAdmin();
    const [committed] = await admin.fetchOffsets({ groupId: this.groupId(group), topics: [this.topicName(topic)] });
    return new Map((committed?.partitions ?? []).filter((p) => p.offset !== '-1').map((p) => [p.partition, BigInt(p.offset)]));
  }

  private offsetsAdmin(): Promise<Admin> {
    return (this.offsetReader ??= (async () => {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
        return admin;
      } catch (error) {
        this.offsetReader = undefined;
        throw error;
      }
    })());
  }

  /**
   * Runs an admin call, retrying for up to BOOT_RETRY_MS: just after a broker (re)starts or a
   * topic is created, it briefly answers "not the leader", "coordinator not available" or times
   * out, and a service must not die at boot over what the next second repairs.
   */
  private async withAdmin<R>(what: string, call: (admin: Admin) => Promise<R>): Promise<R> {
    const deadline = Date.now() + BOOT_RETRY_MS;
    for (let attempt = 1; ; attempt++) {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
        return await call(admin);
      } catch (error) {
        if (Date.now() >= deadline) throw new Error(`${what}: ${(error as Error).message}`);
        this.logger.warn(`${what} failed (attempt ${attempt}), retrying: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(200 * attempt, 2_000)));
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
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
    await this.producer.close().catch(() => undefined);
    await this.probeAdmin?.disconnect().catch(() => undefined);
    await (await this.offsetReader?.catch(() => undefined))?.disconnect().catch(() => undefined);
  }
}
