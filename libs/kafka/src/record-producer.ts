import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import { isOutage, Unavailable } from './handler-failure';
import { keyPartitioner } from './key-partitioner';

/** A record's headers; a name may repeat (a dead letter replayed keeps its original's headers as they were). */
export type RecordHeaders = Record<string, string | Buffer | Array<string | Buffer> | undefined>;

/** One record to send: a null value is a tombstone (compacted topics). */
export interface ProducedRecord {
  key: string | null;
  value: string | Buffer | null;
  headers?: RecordHeaders;
}

/**
 * The service's one producer, and the one place that knows which client sends: every publish
 * (TopicPublisher, the request clients, dead letters, replays) goes through `send`.
 *
 * It is kafkajs'. @platformatic/kafka's producer sent the same records for half the CPU, and a
 * relay with it (kafkajs still consuming) for 0.55 of kafkajs' (`npm run bench:kafka-clients`,
 * docs/benchmarks.md), and passed every test behind this class; but its dependencies declare
 * Node.js 22.19 or later, outside the range Tripline supports. This class is what changes when
 * the floor moves to 22.
 *
 * Partitions follow the Java client's murmur2 of the key (`partitionOfKey`), so any producer in
 * any language, and a later client, puts a key where this one did. A broker that cannot be
 * reached is `Unavailable`, whatever the client calls it: a handler's batch is then retried,
 * never dead-lettered, and an HTTP caller is told to retry.
 */
export class RecordProducer {
  private readonly producer: Producer;
  /** Connected at boot, and not closed since: kafkajs reconnects on its own in between. */
  private connected = false;

  constructor(kafka: Kafka, private readonly onFailure: () => void) {
    this.producer = kafka.producer({
      createPartitioner: keyPartitioner,
      allowAutoTopicCreation: false,
      // Several sends may be in flight at once; acks = all keeps each durable.
      maxInFlightRequests: 5,
    });
  }

  /** Connects (at boot: a broker that cannot be reached fails the boot). */
  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  /** Sends records to one topic; resolves, once the broker acknowledged them all (acks = all), with where each partition's first landed. */
  async send(topic: string, records: readonly ProducedRecord[]): Promise<Array<{ partition: number; offset: string }>> {
    try {
      // Not connected (the boot's connect failed, or stopping): the broker is not there for this
      // send, whatever the records are.
      if (!this.connected) throw new Unavailable('the producer is not connected to Kafka');
      const sent = await this.producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages: [...records] });
      return sent.map((s) => ({ partition: s.partition, offset: s.baseOffset ?? s.offset ?? '' }));
    } catch (error) {
      this.onFailure();
      throw isOutage(error) ? new Unavailable(`publishing to ${topic} failed: ${(error as Error).message}`, { cause: error }) : error;
    }
  }

  async close(): Promise<void> {
    this.connected = false;
    await this.producer.disconnect();
  }
}
