import type { DeliveryOutcome } from '@tripline/contracts';
import { isolatedNamespace, testInfra, TestKafka, goneOutcome } from '@tripline/testing';
import { Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import { KafkaConnection, partitionOfKey, TopicConsumers, TopicPublisher, type Inbound } from '@tripline/kafka';

/** libs/kafka's consumer semantics, here rather than beside it: it needs libs/testing, which needs libs/kafka. */
describe('topic consumers, against the real Kafka', () => {
  const namespace = isolatedNamespace('consumers');
  const tenantId = randomUUID();
  let kafka: TestKafka;

  const outcome = (n: number, subscriptionId: string): DeliveryOutcome => goneOutcome(tenantId, subscriptionId, n);

  /** A service's Kafka side, as a Nest app would hold it. */
  async function connect(topicsOf = namespace) {
    const connection = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId: 'tripline-consumers-test', namespace: topicsOf, topicPartitions: 6 });
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

  describe('work that becomes durable after its handler returned (commitAfter)', () => {
    const groupOf = (group: string) => kafka.groupId('tripline-consumers-test', group);
    async function until(what: string, probe: () => boolean | Promise<boolean>): Promise<void> {
      const deadline = Date.now() + 30_000;
      while (!(await probe())) {
        if (Date.now() > deadline) throw new Error(`${what}: not within 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    it('goes on fetching meanwhile, and commits that work\'s partitions only up to it until it is durable', async () => {
      // Topics of its own: the fetch it holds back has this test's messages only.
      const own = isolatedNamespace('commit-after');
      const ownKafka = new TestKafka(own);
      const { consumers, close } = await connect(own);
      const key = randomUUID();
      let otherKey = randomUUID();
      while (partitionOfKey(otherKey, 6) === partitionOfKey(key, 6)) otherKey = randomUUID();
      const [first, second, elsewhere] = [outcome(1, key), outcome(2, key), outcome(3, otherKey)];
      await ownKafka.publish('deliveryOutcomes', [{ key, value: first }]);
      let written!: () => void;
      const durable = new Promise<void>((resolve) => (written = resolve));
      const seen: string[] = [];
      await consumers.start({
        topic: 'deliveryOutcomes',
        group: 'commit-after',
        handle: async (batch, context) => {
          if (batch.some((m) => m.value.deliveryId === first.deliveryId)) context.commitAfter(durable);
          seen.push(...batch.map((m) => m.value.deliveryId));
        },
      });
      const group = ownKafka.groupId('tripline-consumers-test', 'commit-after');
      const partition = partitionOfKey(key, 6);
      try {
        await until('the first message handled', () => seen.includes(first.deliveryId));
        await ownKafka.publish('deliveryOutcomes', [
          { key, value: second },
          { key: otherKey, value: elsewhere },
        ]);
        // Handed over while the first one's work is still not durable.
        await until('the later messages handled', () => seen.includes(second.deliveryId) && seen.includes(elsewhere.deliveryId));
        // Another partition's work is committed; this one's stops short of the first message.
        await until('the other partition committed', async () => (await ownKafka.committed(group, 'deliveryOutcomes')).get(partitionOfKey(otherKey, 6)) === 1n);
        expect((await ownKafka.committed(group, 'deliveryOutcomes')).get(partition)).toBe(0n);

        written();
        await ownKafka.waitForGroup(group, 'deliveryOutcomes');
        expect((await ownKafka.committed(group, 'deliveryOutcomes')).get(partition)).toBe(2n);
        // Each handled once: holding the commit back did not hand anything over twice.
        expect(seen.sort()).toEqual([first.deliveryId, second.deliveryId, elsewhere.deliveryId].sort());
      } finally {
        await close();
        await ownKafka.close();
      }
    });

    it('hands the partition over again from the oldest message not committed when that work fails, and commits it once it is durable', async () => {
      const subscriptionId = randomUUID();
      const sent = Array.from({ length: 3 }, (_, n) => outcome(n, subscriptionId));
      const { consumers, close } = await connect();
      await kafka.publish('deliveryOutcomes', sent.map((o) => ({ key: subscriptionId, value: o })));
      let failed = false;
      const passes: string[][] = [];
      await consumers.start({
        topic: 'deliveryOutcomes',
        group: 'commit-after-failed',
        handle: async (batch, context) => {
          const mine = batch.filter((m) => m.value.subscriptionId === subscriptionId).map((m) => m.value.deliveryId);
          if (mine.length === 0) return;
          passes.push(mine);
          if (!failed) {
            failed = true;
            context.commitAfter(Promise.reject(new Error('the write failed')));
          }
        },
      });
      try {
        await until('the messages handled again', () => passes.flat().filter((id) => id === sent[0].deliveryId).length === 2);
        await kafka.waitForGroup(groupOf('commit-after-failed'), 'deliveryOutcomes');
        // Handled again in order, from the first message the failed work held back.
        const again = passes.flat().slice(passes.flat().lastIndexOf(sent[0].deliveryId));
        expect(again).toEqual(sent.map((o) => o.deliveryId));
        expect(consumers.ready).toBe(true);
      } finally {
        await close();
      }
    });
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
