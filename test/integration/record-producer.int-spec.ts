import { isOutage, KafkaConnection, partitionOfKey, RecordProducer } from '@tripline/kafka';
import { isolatedNamespace, testInfra, TestKafka } from '@tripline/testing';
import fc from 'fast-check';
import { Kafka, logLevel } from 'kafkajs';

/** The producer every service publishes through (libs/kafka's RecordProducer), on the real broker. */
describe('the producer, against the real Kafka', () => {
  const namespace = isolatedNamespace('producer');
  let connection: KafkaConnection;
  let kafka: TestKafka;

  beforeAll(async () => {
    connection = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId: 'tripline-producer-test', namespace, topicPartitions: 6 });
    await connection.connect(); // creates the topics
    kafka = new TestKafka(namespace);
  });
  afterAll(async () => {
    await connection?.onApplicationShutdown();
    await kafka?.close();
  });

  it('puts each keyed record on the partition the Java client (and kafkajs before) would: murmur2 of the key, whatever the key', async () => {
    // Where a key's records go must not move with the client: a tenant's messages stay in order
    // only while they stay on one partition, across an upgrade too.
    const keys = [
      '',
      'tenant:ds-é✓',
      ...fc.sample(fc.oneof(fc.uuid(), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 })), { numRuns: 300, seed: 17 }),
    ];
    await connection.producer.send(connection.topicName('deliveryOutcomes'), keys.map((key, i) => ({ key, value: String(i) })));

    const records = await kafka.readAll('deliveryOutcomes');
    const partitionOf = new Map(records.map((r) => [Number(r.value), r.partition]));
    expect(keys.map((key, i) => [key, partitionOf.get(i)])).toEqual(keys.map((key) => [key, partitionOfKey(key, 6)]));
  });

  it('sends a null value as a tombstone, bytes as they were, and a header name that repeats as two headers', async () => {
    const bytes = Buffer.from('a\u0000é✓\n\u007f', 'utf8');
    const landed = await connection.producer.send(connection.topicName('events'), [
      { key: 'gone', value: null },
      { key: 'bytes', value: bytes, headers: { origin: ['first', 'second'], traceparent: Buffer.from('00-abc-def-01') } },
    ]);

    const records = await kafka.readAll('events');
    expect(records.find((r) => r.key === 'gone')?.value).toBeNull();
    const sent = records.find((r) => r.key === 'bytes');
    expect(sent?.value).toBe('a\u0000é✓\n\u007f');
    // The reader joins a repeated header's values: both are there, in order.
    expect(sent?.headers).toEqual({ origin: 'first,second', traceparent: '00-abc-def-01' });
    // Where they landed, as the dead letters' replay reports it.
    expect(landed.map((l) => l.partition).sort()).toEqual([...new Set(records.map((r) => r.partition))].sort());
  });

  it('rejects with Unavailable, and counts the failure, when no broker answers: a batch is retried, an HTTP caller told to retry', async () => {
    let failures = 0;
    // Nothing listens on port 1; one retry, not the service's ten, is enough to see how a failure is reported.
    const nowhere = new Kafka({ clientId: 'tripline-producer-test', brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 50 } });
    const producer = new RecordProducer(nowhere, () => failures++);
    await expect(producer.connect()).rejects.toThrow(); // a service's boot fails here
    const sent = producer.send('nowhere', [{ key: 'k', value: 'v' }]);
    await expect(sent).rejects.toMatchObject({ name: 'Unavailable' });
    expect(isOutage(await sent.catch((error: unknown) => error))).toBe(true);
    expect(failures).toBe(1);
    await producer.close();
  });
});
