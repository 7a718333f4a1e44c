export interface KafkaOptions {
  brokers: string[];
  /** Names this service to the broker; also the prefix of its consumer groups. */
  clientId: string;
  /** Prefix of every topic and group name (KAFKA_TOPIC_NAMESPACE); usually empty. */
  namespace: string;
  /** Partitions for topics this service creates when they are missing. */
  topicPartitions: number;
  /**
   * The dead-letters topic's `retention.ms` (RETENTION_DEAD_LETTERS_DAYS): set when the topic is
   * created, and on an existing topic when it differs. Absent: the broker's default.
   */
  deadLetterRetentionMs?: number;
}

export const KAFKA_OPTIONS = Symbol('KAFKA_OPTIONS');
