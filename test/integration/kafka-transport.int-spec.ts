import { Controller, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { DeliveryOutcome } from '@tripline/contracts';
import { connectKafkaTransport, KafkaConnection, KafkaModule, OnTopic, type Inbound } from '@tripline/kafka';
import { isolatedNamespace, testInfra, TestKafka, goneOutcome } from '@tripline/testing';
import { randomUUID } from 'node:crypto';

const CLIENT_ID = 'tripline-transport-test';

/** What a service's controller looks like on the transport: a handler per topic and group. */
@Controller()
class OutcomesHandlers {
  readonly handled: string[] = [];
  /** Holds the first batch until the test lets it go. */
  hold?: { entered(): void; released: Promise<void> };
  poison?: string;

  @OnTopic('deliveryOutcomes', { group: 'transport-commits' })
  async record(batch: Array<Inbound<'deliveryOutcomes'>>): Promise<void> {
    const hold = this.hold;
    this.hold = undefined;
    if (hold) {
      hold.entered();
      await hold.released;
    }
    this.handled.push(...batch.map((m) => m.value.deliveryId));
  }

  @OnTopic('deliveryOutcomes', { group: 'transport-poison' })
  async refuse(batch: Array<Inbound<'deliveryOutcomes'>>): Promise<void> {
    if (batch.some((m) => m.value.deliveryId === this.poison)) throw new Error(`the handler refuses ${this.poison}`);
  }
}

describe('the Kafka transport, against the real Kafka', () => {
  const namespace = isolatedNamespace('transport');
  const tenantId = randomUUID();
  const subscriptionId = randomUUID();
  let kafka: TestKafka;
  let app: INestApplication;
  let handlers: OutcomesHandlers;
  let entered!: () => void;
  const holding = new Promise<void>((resolve) => (entered = resolve));
  let release!: () => void;

  const outcome = (n: number): DeliveryOutcome => goneOutcome(tenantId, subscriptionId, n);

  beforeAll(async () => {
    kafka = new TestKafka(namespace);
    const moduleRef = await Test.createTestingModule({
      imports: [KafkaModule.forRoot({ brokers: testInfra().kafkaBrokers, clientId: CLIENT_ID, namespace, topicPartitions: 3 })],
      controllers: [OutcomesHandlers],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    connectKafkaTransport(app);
    handlers = app.get(OutcomesHandlers);
    handlers.hold = { entered, released: new Promise<void>((resolve) => (release = resolve)) };
    await app.init();
    await app.startAllMicroservices();
  });

  afterAll(async () => {
    release?.();
    await app?.close();
    await kafka?.close();
  });

  it('hands a controller’s handler the decoded batch, and commits its offsets only once the handler has resolved', async () => {
    const sent = Array.from({ length: 20 }, (_, n) => outcome(n));
    // One key, so one partition: nothing of it can be committed past the batch being held.
    await kafka.publish('deliveryOutcomes', sent.map((o) => ({ key: subscriptionId, value: o })));

    await holding;
    const connection = app.get(KafkaConnection);
    expect(await connection.committedOffsets('deliveryOutcomes', 'transport-commits')).toEqual(new Map());

    release();
    await kafka.waitForGroup(kafka.groupId(CLIENT_ID, 'transport-commits'), 'deliveryOutcomes', 60_000);
    expect(handlers.handled).toEqual(sent.map((o) => o.deliveryId));
  });

  it('dead-letters the message a handler refuses, with the handler’s own error, and commits past it', async () => {
    const sent = Array.from({ length: 6 }, (_, n) => outcome(100 + n));
    handlers.poison = sent[3].deliveryId;
    await kafka.publish('deliveryOutcomes', sent.map((o) => ({ key: subscriptionId, value: o })));

    await kafka.waitForGroup(kafka.groupId(CLIENT_ID, 'transport-poison'), 'deliveryOutcomes', 90_000);
    const letters = (await kafka.readValues('deadLetters')).filter((l) => l.source.consumerGroup.endsWith('.transport-poison'));
    expect(letters).toHaveLength(1);
    expect(JSON.parse(letters[0].payload!)).toMatchObject({ deliveryId: sent[3].deliveryId });
    expect(letters[0].reason).toContain(`the handler refuses ${sent[3].deliveryId}`);
  });
});
