/**
 * One Kafka client doing one of the three things Tripline's services do with Kafka, in a process
 * of its own so that its CPU is its own (`npm run bench:kafka-clients` reads it from /proc):
 * - `produce`: publish `count` messages, keyed, acks = all, in sends of 500;
 * - `consume`: drain `count` messages of a topic as a group member, committing as it goes;
 * - `relay`: the evaluator's and ingestion's shape: drain a topic, publish one message to another
 *   topic for each (acks = all), and commit the input once the output is acknowledged.
 * Both clients get the same settings where both have them: no compression, no idempotence, fetches
 * that wait at most 500 ms, 10 MB per fetch.
 *
 * Forked with <kafkajs|platformatic|mixed> <produce|consume|relay> <brokers> <in-topic> <out-topic> <count>;
 * tells its parent `start` as the first message is sent or handled, then `done` with the time
 * and its own CPU (user + system) from there to the last.
 */
import { CompressionTypes, Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** `mixed`: kafkajs' consumer with @platformatic/kafka's producer. */
export type KafkaClientName = 'kafkajs' | 'platformatic' | 'mixed';
export type KafkaClientRole = 'produce' | 'consume' | 'relay';

/** A delivery request's size and shape (about 640 bytes of JSON), so encoding costs what it does in Tripline. */
export function benchMessage(i: number): { key: string; value: string } {
  const tenant = `tenant-${i % 64}`;
  const value = JSON.stringify({
    deliveryId: `0b6f2c4e-6a55-4d7e-9c1b-${String(i).padStart(12, '0')}`,
    tenantId: tenant,
    subscriptionId: '5f0c9a2e-1d3b-4c8a-9e7f-2a6b8c0d4e1f',
    trigger: 'dataSourceRefreshed',
    eventId: `evt-${i}`,
    payload: {
      eventType: 'dataSourceRefreshed',
      dataSourceName: 'contoso-crm-accounts',
      status: 'failed',
      refreshedAt: '2026-11-30T12:00:00.000Z',
      recordCount: 1_250_000,
      errorMessage: 'The credentials of the data source expired; update them in the data source settings.',
      correlationId: `corr-${i}`,
    },
    requestedAt: '2026-11-30T12:00:00.123Z',
  });
  return { key: tenant, value };
}

const SEND = 500;

/**
 * The parts of @platformatic/kafka used here. It is not a dependency of Tripline (its own
 * dependencies declare Node.js 22.19 or later): `npm run bench:kafka-clients` installs it into
 * .tripline/bench-clients for this comparison, and it is loaded from there.
 */
interface Received {
  key: string;
  value: string;
  partition: number;
  commit(): Promise<void>;
}
interface PlatformaticKafka {
  Producer: new (options: object) => { send(options: { messages: Array<{ topic: string; key: string; value: string }> }): Promise<unknown>; close(): Promise<void> };
  Consumer: new (options: object) => {
    consume(options: object): Promise<NodeJS.EventEmitter & { close(): Promise<void> }>;
    close(): Promise<void>;
  };
  stringSerializers: object;
  stringDeserializers: object;
}
const platformaticKafka = () =>
  createRequire(path.resolve(__dirname, '../../../.tripline/bench-clients/package.json'))('@platformatic/kafka') as PlatformaticKafka;

/** The measured window: from the first message sent or handled to the last. */
class Window {
  private at = 0;
  private cpu?: NodeJS.CpuUsage;

  open(): void {
    if (this.at !== 0) return;
    this.at = performance.now();
    this.cpu = process.cpuUsage();
    process.send?.({ event: 'start' });
  }

  close(): { ms: number; cpuMicros: number } {
    const cpu = process.cpuUsage(this.cpu);
    return { ms: performance.now() - this.at, cpuMicros: cpu.user + cpu.system };
  }
}

type Measured = { ms: number; cpuMicros: number };

interface Publisher {
  send(messages: Array<{ key: string; value: string }>): Promise<unknown>;
  close(): Promise<void>;
}

async function kafkajsPublisher(kafka: Kafka, topic: string): Promise<Publisher> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 5 });
  await producer.connect();
  return {
    send: (messages) => producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages }),
    close: () => producer.disconnect(),
  };
}

function platformaticPublisher(brokers: string[], topic: string): Publisher {
  const { Producer, stringSerializers } = platformaticKafka();
  const producer = new Producer({ clientId: 'bench-platformatic', bootstrapBrokers: brokers, serializers: stringSerializers, acks: -1, compression: 'none' });
  return {
    send: (messages) => producer.send({ messages: messages.map((m) => ({ topic, key: m.key, value: m.value })) }),
    close: () => producer.close(),
  };
}

/** The produce role: `count` records in sends of SEND, one after the other. */
async function produceAll(producer: Publisher, count: number, window: Window): Promise<Measured> {
  window.open();
  for (let sent = 0; sent < count; sent += SEND) await producer.send(Array.from({ length: Math.min(SEND, count - sent) }, (_, i) => benchMessage(sent + i)));
  const measured = window.close();
  await producer.close();
  return measured;
}

/** kafkajs' consumer, with kafkajs' producer or (`mixed`) @platformatic/kafka's. */
async function kafkajs(role: KafkaClientRole, brokers: string[], inTopic: string, outTopic: string, count: number, mixed = false): Promise<Measured> {
  const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers, logLevel: logLevel.NOTHING });
  const topic = role === 'produce' ? inTopic : outTopic;
  const producer = mixed ? platformaticPublisher(brokers, topic) : await kafkajsPublisher(kafka, topic);
  const send = (messages: Array<{ key: string; value: string }>) => producer.send(messages);
  const window = new Window();
  if (role === 'produce') return produceAll(producer, count, window);
  const consumer = kafka.consumer({ groupId: `bench-kafkajs-${Date.now()}`, maxWaitTimeInMs: 500, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  await consumer.subscribe({ topic: inTopic, fromBeginning: true });
  let handled = 0;
  const measured = await new Promise<Measured>((resolve) => {
    void consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 6,
      eachBatch: async ({ batch }) => {
        window.open();
        const messages = batch.messages;
        if (role === 'relay') {
          for (let i = 0; i < messages.length; i += SEND) await send(messages.slice(i, i + SEND).map(relayed));
        }
        const last = messages[messages.length - 1];
        if (last) await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(Number(last.offset) + 1) }]);
        handled += messages.length;
        if (handled >= count) resolve(window.close());
      },
    });
  });
  await consumer.disconnect();
  await producer.close();
  return measured;
}

const relayed = (m: KafkaMessage) => ({ key: m.key!.toString(), value: m.value!.toString() });

async function platformatic(role: KafkaClientRole, brokers: string[], inTopic: string, outTopic: string, count: number): Promise<Measured> {
  const producer = platformaticPublisher(brokers, role === 'produce' ? inTopic : outTopic);
  const send = (messages: Array<{ key: string; value: string }>) => producer.send(messages);
  const window = new Window();
  if (role === 'produce') return produceAll(producer, count, window);
  const { Consumer, stringDeserializers } = platformaticKafka();
  const consumer = new Consumer({
    groupId: `bench-platformatic-${Date.now()}`,
    clientId: 'bench-platformatic',
    bootstrapBrokers: brokers,
    deserializers: stringDeserializers,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTime: 500,
  });
  const stream = await consumer.consume({ topics: [inTopic], mode: 'earliest', autocommit: false });
  let handled = 0;
  // The stream hands over one message at a time; what has arrived by the next turn of the event
  // loop is handled as one batch, as an eachBatch handler would, then committed per partition.
  let pending: Received[] = [];
  let flushing: Promise<void> = Promise.resolve();
  const measured = await new Promise<Measured>((resolve, reject) => {
    const flush = async () => {
      const batch = pending;
      pending = [];
      if (batch.length === 0) return;
      if (role === 'relay') {
        for (let i = 0; i < batch.length; i += SEND) await send(batch.slice(i, i + SEND).map((m) => ({ key: m.key, value: m.value })));
      }
      const lastOfPartition = new Map<number, Received>();
      for (const m of batch) lastOfPartition.set(m.partition, m);
      await Promise.all([...lastOfPartition.values()].map((m) => m.commit()));
      handled += batch.length;
      if (handled >= count) resolve(window.close());
    };
    stream.on('data', (message: Received) => {
      window.open();
      if (pending.length === 0) setImmediate(() => (flushing = flushing.then(flush).catch(reject)));
      pending.push(message);
    });
    stream.on('error', reject);
  });
  await flushing;
  await stream.close();
  await consumer.close();
  await producer.close();
  return measured;
}

async function main(): Promise<void> {
  const [client, role, brokers, inTopic, outTopic, count] = process.argv.slice(2) as [KafkaClientName, KafkaClientRole, string, string, string, string];
  const args = [role, brokers.split(','), inTopic, outTopic, Number(count)] as const;
  const measured = client === 'platformatic' ? await platformatic(...args) : await kafkajs(...args, client === 'mixed');
  process.send?.({ event: 'done', ...measured }, undefined, {}, () => process.exit(0));
}

if (require.main === module) void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
