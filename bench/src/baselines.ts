import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'undici';
import type { BenchReceiver } from './bench-receiver';
import { latency, perSecond, sleep, until, type Latency } from './stats';

const PAYLOAD = 'x'.repeat(400);

/**
 * Creates the topic and waits for its leaders. A broker the bench has just started answers
 * "does not host this topic-partition" for a moment, which kafkajs' own wait for leaders does
 * not retry: retried here for up to a minute, as the services do at boot.
 */
export async function createTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      try {
        await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });
        const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
        if (metadata?.partitions.length === 6 && metadata.partitions.every((p) => p.leader >= 0)) return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error(`topic ${topic} has no leaders after 60 s`);
      await sleep(200);
    }
  } finally {
    await admin.disconnect();
  }
}

/** B1: a bare kafkajs producer loop, acks = all, batches of 500. */
export async function producerBaseline(brokers: string[], topic: string, messages: number): Promise<{ messagesPerSecond: number }> {
  const kafka = new Kafka({ clientId: 'bench-b1', brokers, logLevel: logLevel.NOTHING });
  await createTopic(kafka, topic);
  const producer = kafka.producer();
  await producer.connect();
  const started = performance.now();
  for (let sent = 0; sent < messages; sent += 500) {
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 500 }, (_, i) => ({ key: String((sent + i) % 64), value: PAYLOAD })) });
  }
  const ms = performance.now() - started;
  await producer.disconnect();
  return { messagesPerSecond: perSecond(messages, ms) };
}

/** B3: bare HTTP POSTs to the receiver over a keep-alive pool, 64 in flight. */
export async function httpBaseline(receiver: BenchReceiver, requests: number): Promise<{ requestsPerSecond: number }> {
  const pool = new Pool(receiver.url(), { connections: 64 });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next++ < requests) {
        const res = await pool.request({ path: '/b3', method: 'POST', body: PAYLOAD, headers: { 'content-type': 'application/json' } });
        await res.body.dump();
      }
    }),
  );
  const ms = performance.now() - started;
  await pool.close();
  return { requestsPerSecond: perSecond(requests, ms) };
}

/**
 * B2: a bare kafkajs consumer (eachBatch) that POSTs each message to the receiver over a
 * keep-alive pool, 64 in flight; no database, no signing. Throughput: draining a backlog of
 * `messages`. Latency: publish to receive, at half that rate for `latencySeconds`.
 */
export async function consumerBaseline(
  brokers: string[],
  topic: string,
  receiver: BenchReceiver,
  messages: number,
  latencySeconds: number,
): Promise<{ deliveriesPerSecond: number; latency: Latency }> {
  const kafka = new Kafka({ clientId: 'bench-b2', brokers, logLevel: logLevel.NOTHING });
  await createTopic(kafka, topic);
  const producer = kafka.producer();
  await producer.connect();
  const publish = async (count: number) => {
    for (let sent = 0; sent < count; sent += 500) {
      const n = Math.min(500, count - sent);
      await producer.send({ topic, acks: -1, messages: Array.from({ length: n }, (_, i) => ({ key: String((sent + i) % 64), value: JSON.stringify({ sentAt: Date.now(), pad: PAYLOAD }) })) });
    }
  };
  await publish(messages);

  const pool = new Pool(receiver.url(), { connections: 64 });
  const consumer = kafka.consumer({ groupId: `bench-b2-${Date.now()}`, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  receiver.reset();
  await consumer.run({
    partitionsConsumedConcurrently: 6,
    eachBatch: async ({ batch }) => {
      const queue = [...batch.messages];
      await Promise.all(
        Array.from({ length: 11 }, async () => {
          for (let m = queue.shift(); m; m = queue.shift()) {
            const res = await pool.request({ path: '/b2', method: 'POST', body: m.value!, headers: { 'content-type': 'application/json' } });
            await res.body.dump();
          }
        }),
      );
    },
  });
  await until(() => receiver.count >= messages, 300_000, 'B2 backlog');
  const deliveriesPerSecond = perSecond(messages, receiver.lastAt - receiver.firstAt);

  receiver.reset();
  const rate = Math.max(1, Math.floor(deliveriesPerSecond / 2));
  await paced(rate, latencySeconds, (n) => publish(n));
  await until(() => receiver.count >= rate * latencySeconds * 0.99, 120_000, 'B2 paced run');
  const result = { deliveriesPerSecond, latency: latency(receiver.latencies) };
  await consumer.disconnect();
  await producer.disconnect();
  await pool.close();
  return result;
}

/** Publishes `rate` per second for `seconds`, in 10 ms slices. */
export async function paced(rate: number, seconds: number, publish: (count: number) => Promise<void>): Promise<void> {
  const perSlice = rate / 100;
  const started = performance.now();
  let sent = 0;
  for (let slice = 1; slice <= seconds * 100; slice++) {
    const due = Math.floor(perSlice * slice) - sent;
    if (due > 0) {
      await publish(due);
      sent += due;
    }
    const wait = started + slice * 10 - performance.now();
    if (wait > 0) await sleep(wait);
  }
}
