import type { DeadLetter, FieldIssue } from '@tripline/contracts';
import type { KafkaMessage } from 'kafkajs';

export interface DeadLetterSource {
  topic: string;
  partition: number;
  consumerGroup: string;
}

export function deadLetterFor(
  source: DeadLetterSource,
  message: KafkaMessage,
  reason: string,
  issues: FieldIssue[] = [],
): DeadLetter {
  return {
    reason,
    issues,
    source: { ...source, offset: message.offset },
    key: message.key?.toString('utf8') ?? null,
    payload: message.value?.toString('utf8') ?? null,
    failedAt: new Date().toISOString(),
  };
}
