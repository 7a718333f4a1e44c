import type { TopicId } from '@tripline/contracts';

/**
 * Why a message was dead-lettered, as a bounded category (the dead letter itself carries the
 * full reason): `invalid` it failed its topic's contract (empty, not JSON, wrong shape),
 * `refused` the handler refused it for good, `failed` the handler kept failing on it alone.
 */
export type DeadLetterCategory = 'invalid' | 'refused' | 'failed';

/** What failed in the Kafka client: a publish, a consumer that crashed, an offset commit, an admin read. */
export type KafkaClientOperation = 'publish' | 'consume' | 'commit' | 'admin';

type DeadLetterListener = (topic: TopicId, category: DeadLetterCategory, count: number) => void;
type ClientErrorListener = (operation: KafkaClientOperation) => void;

/**
 * What the Kafka lib reports to whoever measures it, without depending on them: libs/service
 * counts these into the service's metrics, and a service may listen too (ingestion counts the
 * events its ingest topic refused). Listeners run synchronously and must not throw.
 */
export class KafkaSignals {
  private readonly deadLetterListeners: DeadLetterListener[] = [];
  private readonly clientErrorListeners: ClientErrorListener[] = [];

  onDeadLetters(listener: DeadLetterListener): void {
    this.deadLetterListeners.push(listener);
  }

  onClientError(listener: ClientErrorListener): void {
    this.clientErrorListeners.push(listener);
  }

  /** Called once the dead letters are on their topic (so a retried fetch does not count them twice). */
  deadLettered(topic: TopicId, category: DeadLetterCategory, count: number): void {
    for (const listener of this.deadLetterListeners) listener(topic, category, count);
  }

  clientError(operation: KafkaClientOperation): void {
    for (const listener of this.clientErrorListeners) listener(operation);
  }
}
