import type { DeliveryOutcome } from '@tripline/contracts';
import { isolatedNamespace, testInfra, TestKafka } from '@tripline/testing';
import { randomUUID } from 'node:crypto';
import { KafkaConnection, TopicConsumers, TopicPublisher, type Inbound } from '@tripline/kafka';

/** libs/kafka's consumer semantics, here rather than beside it: it needs libs/testing, which needs libs/kafka. */
describe('topic consumers, against the real Kafka', () => {
  const namespace = isolatedNamespace('consumers');
  const tenantId = randomUUID();
  let kafka: TestKafka;

  const outcome = (n: number, subscriptionId: string): DeliveryOutcome => ({
    deliveryId: randomUUID(),
    tenantId,
    subscriptionId,
    result: 'gone',
    attempts: n,
    lastStatusCode: 410,
    lastError: null,
    endpointDisabledReason: null,
    completedAt: new Date().toISOString(),
  });

  /** A service's Kafka side, as a Nest app would hold it. */
  async function connect() {
    const connection = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId: 'tripline-consumers-test', namespace, topicPartitions: 6 });
    await connection.connect();
    const consumers = new TopicConsumers(connection, new TopicPublisher(connection));
    const close = async () => {
      await connection.beforeApplicationShutdown();
      await connection.onApplicationShutdown();
    };
    return { consumers, close };
  }

  beforeAll(() => {
    kafka = new TestKafka(namespace);
  });
  afterAll(async () => {
    await kafka?.close();
  });

  it('hands over every partition in order, and a consumer stopped the moment its handler resolved is not given those messages again', async () => {
    const subscriptions = Array.from({ length: 12 }, () => randomUUID());
    const sent = Array.from({ length: 120 }, (_, n) => outcome(n, subscriptions[n % subscriptions.length]));
    const first = await connect(); // creates the topics
    await kafka.publish('deliveryOutcomes', sent.map((o) => ({ key: o.subscriptionId, value: o })));
    // What the broker holds, in each partition's order (a producer retry can have added a copy).
    const onTopic = await kafka.readValues('deliveryOutcomes');
    const seen: Array<Inbound<'deliveryOutcomes'>> = [];
    let stopped!: (closing: Promise<void>) => void;
    const stopping = new Promise<Promise<void>>((resolve) => (stopped = resolve));
    await first.consumers.start({
      topic: 'deliveryOutcomes',
      group: 'order-and-commit',
      handle: async (batch) => {
        seen.push(...batch);
        // The service stops while this handler is still running: what it handled must be committed.
        if (seen.length >= onTopic.length) stopped(first.close());
      },
    });
    await (await stopping);

    expect(new Set(seen.map((m) => m.value.deliveryId))).toEqual(new Set(sent.map((o) => o.deliveryId)));
    for (const subscriptionId of subscriptions) {
      const inOrder = onTopic.filter((o) => o.subscriptionId === subscriptionId).map((o) => o.attempts);
      expect(seen.filter((m) => m.value.subscriptionId === subscriptionId).map((m) => m.value.attempts)).toEqual(inOrder);
    }

    const marker = outcome(999, subscriptions[0]);
    await kafka.publish('deliveryOutcomes', [{ key: marker.subscriptionId, value: marker }]);
    const second = await connect();
    const again: string[] = [];
    let markerSeen!: () => void;
    const reachedMarker = new Promise<void>((resolve) => (markerSeen = resolve));
    await second.consumers.start({
      topic: 'deliveryOutcomes',
      group: 'order-and-commit',
      handle: async (batch) => {
        again.push(...batch.map((m) => m.value.deliveryId));
        if (again.includes(marker.deliveryId)) markerSeen();
      },
    });
    await reachedMarker;
    await second.close();
    expect(again).toEqual([marker.deliveryId]);
  });
});
