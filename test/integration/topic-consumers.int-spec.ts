import type { DeliveryOutcome } from '@tripline/contracts';
import { isolatedNamespace, testInfra, TestKafka, goneOutcome } from '@tripline/testing';
import { Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import { KafkaConnection, TopicConsumers, TopicPublisher, type Inbound } from '@tripline/kafka';

/** libs/kafka's consumer semantics, here rather than beside it: it needs libs/testing, which needs libs/kafka. */
describe('topic consumers, against the real Kafka', () => {
  const namespace = isolatedNamespace('consumers');
  const tenantId = randomUUID();
  let kafka: TestKafka;

  const outcome = (n: number, subscriptionId: string): DeliveryOutcome => goneOutcome(tenantId, subscriptionId, n);

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

  describe('a message the handler cannot process', () => {
    let pool: Pool;
    beforeAll(async () => {
      pool = new Pool({ connectionString: testInfra().databaseUrl, max: 2 });
      await pool.query('CREATE TABLE IF NOT EXISTS consumer_poison_test (delivery_id uuid PRIMARY KEY, last_error text)');
    });
    afterAll(async () => pool?.end());

    it('is dead-lettered with the error once it fails alone, and every other message of its fetch is processed, in order', async () => {
      // A real failure: Postgres refuses U+0000 in text. The consumer knows nothing of why.
      const subscriptionId = randomUUID();
      const sent = Array.from({ length: 40 }, (_, n) => ({ ...outcome(n, subscriptionId), lastError: n === 17 ? 'bad\u0000byte' : `error ${n}` }));
      const { consumers, close } = await connect();
      await kafka.publish('deliveryOutcomes', sent.map((o) => ({ key: o.subscriptionId, value: o })));
      const written: number[] = [];
      await consumers.start({
        topic: 'deliveryOutcomes',
        group: 'poison',
        handle: async (batch) => {
          const mine = batch.filter((m) => m.value.subscriptionId === subscriptionId);
          if (mine.length === 0) return;
          await pool.query(
            'INSERT INTO consumer_poison_test (delivery_id, last_error) SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING',
            [mine.map((m) => m.value.deliveryId), mine.map((m) => m.value.lastError)],
          );
          written.push(...mine.map((m) => m.value.attempts));
        },
      });
      try {
        await kafka.waitForGroup(kafka.groupId('tripline-consumers-test', 'poison'), 'deliveryOutcomes', 60_000);
        const stored = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM consumer_poison_test WHERE delivery_id = ANY($1::uuid[])', [sent.map((o) => o.deliveryId)]);
        expect(stored.rows[0].n).toBe(39);
        // In order, with nothing after the poison lost (a part handled before a split may be handled twice).
        expect([...new Set(written)]).toEqual(sent.filter((_, n) => n !== 17).map((o) => o.attempts));
        const letters = (await kafka.readValues('deadLetters')).filter((l) => l.source.consumerGroup.endsWith('.poison'));
        expect(letters).toHaveLength(1);
        expect(JSON.parse(letters[0].payload!)).toMatchObject({ deliveryId: sent[17].deliveryId });
        expect(letters[0].reason).toMatch(/failed on this message alone.*(0x00|\\u0000|invalid byte sequence|unsupported Unicode)/);
        expect(consumers.ready).toBe(true);
      } finally {
        await close();
      }
    });

    it('is not dead-lettered while the failure is an outage: the fetch is retried until it goes through', async () => {
      const subscriptionId = randomUUID();
      const sent = Array.from({ length: 5 }, (_, n) => outcome(n, subscriptionId));
      const { consumers, close } = await connect();
      await kafka.publish('deliveryOutcomes', sent.map((o) => ({ key: o.subscriptionId, value: o })));
      let outages = 0;
      const handled = new Set<string>();
      await consumers.start({
        topic: 'deliveryOutcomes',
        group: 'outage',
        handle: async (batch) => {
          const mine = batch.filter((m) => m.value.subscriptionId === subscriptionId);
          if (mine.length === 0) return;
          // Postgres unreachable, the way node-postgres reports it, for the first three tries.
          if (outages++ < 3) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
          for (const m of mine) handled.add(m.value.deliveryId);
        },
      });
      try {
        await kafka.waitForGroup(kafka.groupId('tripline-consumers-test', 'outage'), 'deliveryOutcomes', 90_000);
        expect(handled).toEqual(new Set(sent.map((o) => o.deliveryId)));
        expect((await kafka.readValues('deadLetters')).filter((l) => l.source.consumerGroup.endsWith('.outage'))).toEqual([]);
      } finally {
        await close();
      }
    });
  });
});
