import { Controller } from '@nestjs/common';
import { OnTopic, type Inbound } from '@tripline/kafka';
import { KafkaConnection } from '@tripline/kafka';
import { deadLetterRecord } from './dead-letter-record';
import { DeadLetterStore } from './dead-letter-store';

/**
 * Keeps every dead letter of every service for the operators (their list and replay), in a
 * consumer group of its own. Storing is idempotent (the row's id is the record's position), so
 * a redelivered batch stores nothing twice; off every hot path, so it lingers for fuller batches.
 */
@Controller()
export class DeadLettersConsumer {
  constructor(
    private readonly store: DeadLetterStore,
    private readonly kafka: KafkaConnection,
  ) {}

  @OnTopic('deadLetters', { group: 'dead-letters', lingerMs: 100 })
  async handle(batch: Array<Inbound<'deadLetters'>>): Promise<void> {
    const topic = this.kafka.topicName('deadLetters');
    await this.store.store(batch.map((m) => deadLetterRecord({ topic, partition: m.partition, offset: m.offset }, m.value)));
  }
}
