import { topics, type MessageInput, type MessageOf, type TopicId } from '@tripline/contracts';
import { chunksOf, MAX_REQUEST_BYTES } from '@tripline/kafka';
import { ConfigResourceTypes, Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { testInfra, type TestInfra } from './test-infra';
import { query } from './tenants';

export interface RawRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  /** The record's timestamp (its producer's clock), ms since epoch. */
  timestamp: number;
  /** Its headers, as text. */
  headers: Record<string, string>;
}

/**
 * The test's own Kafka client, outside the services: publishes raw bytes the way any producer
 * could, and reads topics to check what the services published.
 */
export class TestKafka {
  private readonly kafka: Kafka;
  private producer?: Producer;
  private admin?: Admin;

  constructor(
    private readonly namespace: string,
    private readonly infra: TestInfra = testInfra(),
  ) {
    this.kafka = new Kafka({ clientId: 'tripline-tests', brokers: infra.kafkaBrokers, logLevel: logLevel.NOTHING });
  }

  topicName(topic: TopicId): string {
    return this.namespace + topics[topic].name;
  }

  groupId(clientId: string, group: string): string {
    return `${this.namespace}${clientId}.${group}`;
  }

  async publishRaw(topic: TopicId, messages: Array<{ key?: string; value: string }>): Promise<void> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
      await this.producer.connect();
    }
    for (const chunk of chunksOf(messages, MAX_REQUEST_BYTES)) {
      await this.producer.send({ topic: this.topicName(topic), acks: -1, messages: chunk });
    }
  }

  /** Bytes as they are (not text): what a producer in any language, or a broken one, may send. */
  async publishBytes(topic: TopicId, messages: Array<{ key?: string; value: Buffer; headers?: Record<string, string> }>): Promise<void> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
      await this.producer.connect();
    }
    await this.producer.send({ topic: this.topicName(topic), acks: -1, messages });
  }

  async publish<T extends TopicId>(topic: T, messages: Array<{ key: string; value: MessageInput<T> }>): Promise<void> {
    await this.publishRaw(topic, messages.map((m) => ({ key: m.key, value: JSON.stringify(m.value) })));
  }

  /** Every record on the topic up to its current end, from all partitions. */
  async readAll(topic: TopicId): Promise<RawRecord[]> {
    const name = this.topicName(topic);
    const ends = (await this.topicOffsets(name)).filter((p) => BigInt(p.high) > BigInt(p.low));
    if (ends.length === 0) return [];
    const records: RawRecord[] = [];
    const consumer = this.kafka.consumer({ groupId: `tripline-tests-reader-${Date.now()}-${Math.random()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: name, fromBeginning: true });
      const remaining = new Map(ends.map((p) => [p.partition, BigInt(p.high)]));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`could not read ${name} to its end`)), 20_000);
        void consumer.run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = remaining.get(partition);
            if (end === undefined || BigInt(message.offset) >= end) return;
            records.push({ partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, timestamp: Number(message.timestamp), headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])) });
            if (BigInt(message.offset) + 1n >= end) remaining.delete(partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    return records;
  }

  /** Parsed values of a topic, checked against its contract. */
  async readValues<T extends TopicId>(topic: T): Promise<Array<MessageOf<T>>> {
    return (await this.readAll(topic)).map((r) => topics[topic].schema.parse(JSON.parse(r.value ?? 'null')) as MessageOf<T>);
  }

  /**
   * Waits until a consumer group has committed everything on its topic up to the topic's end
   * as of now: all work it stands for is done (services commit only after the work is durable).
   */
  async waitForGroup(groupId: string, topic: TopicId, timeoutMs = 30_000): Promise<void> {
    const ends = await this.ends(topic);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const committed = await this.committed(groupId, topic);
      if ([...ends].every(([partition, end]) => committed.get(partition)! >= end)) return;
      if (Date.now() > deadline) throw new Error(`group ${groupId} did not catch up on ${this.topicName(topic)} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** How many of a topic's messages a consumer group has not committed (all of them before its first commit). */
  async uncommitted(groupId: string, topic: TopicId): Promise<number> {
    const [ends, committed] = await Promise.all([this.ends(topic), this.committed(groupId, topic)]);
    return Number([...ends].reduce((behind, [partition, end]) => behind + end - committed.get(partition)!, 0n));
  }

  /** Each partition's end: the offset its next message will have. */
  async ends(topic: TopicId): Promise<Map<number, bigint>> {
    return new Map((await this.topicOffsets(this.topicName(topic))).map(({ partition, high }) => [partition, BigInt(high)]));
  }

  /** Each partition's next offset to read as a consumer group has committed it (its start before the group's first commit). */
  async committed(groupId: string, topic: TopicId): Promise<Map<number, bigint>> {
    const admin = await this.connectAdmin();
    const name = this.topicName(topic);
    const ends = await this.topicOffsets(name);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [name] });
    return new Map(
      ends.map(({ partition, low }) => {
        const offset = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
        return [partition, BigInt(offset === '-1' ? low : offset)];
      }),
    );
  }

  /** A topic's setting as the broker reports it (e.g. `retention.ms`). */
  async topicConfig(topic: TopicId, name: string): Promise<string | undefined> {
    const admin = await this.connectAdmin();
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: this.topicName(topic), configNames: [name] }],
    });
    return resources[0]?.configEntries.find((c) => c.configName === name)?.configValue;
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    await this.admin?.disconnect();
  }

  /**
   * Each partition's start and end. Retried on errors the broker marks retriable: just after a
   * topic is created, its metadata can already name a leader that has not yet taken the
   * partition over, and answers "not the leader" for a moment (kafkajs retries this call only
   * for an unknown topic).
   */
  private async topicOffsets(name: string): Promise<Array<{ partition: number; high: string; low: string }>> {
    const admin = await this.connectAdmin();
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        return await admin.fetchTopicOffsets(name);
      } catch (error) {
        if (!(error as { retriable?: boolean }).retriable || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  private async connectAdmin(): Promise<Admin> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    return this.admin;
  }
}

/**
 * Waits until every event published so far has gone all the way through: ingested, evaluated,
 * scheduled for delivery (each service commits only after its work is durable), and every
 * delivery of these tenants final (delivered, or out of attempts) with its outcome published
 * to the outcomes topic. After this, what the
 * receivers got is final, so tests can assert exactly what arrived, and what did not.
 */
export async function pipelineSettled(kafka: TestKafka, tenantIds: string[], timeoutMs = 30_000): Promise<void> {
  await kafka.waitForGroup(kafka.groupId('tripline-ingestion', 'ingest'), 'ingest');
  await kafka.waitForGroup(kafka.groupId('tripline-evaluator', 'events'), 'events');
  await kafka.waitForGroup(kafka.groupId('tripline-dispatcher', 'deliveries'), 'deliveries');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ pending }] = await query<{ pending: number }>(
      "SELECT count(*)::int AS pending FROM deliveries WHERE (status = 'pending' OR outcome_pending) AND tenant_id = ANY($1::uuid[])",
      [tenantIds],
    );
    if (pending === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending} deliveries still pending after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
