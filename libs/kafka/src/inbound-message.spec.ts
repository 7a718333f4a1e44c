import type { KafkaMessage } from 'kafkajs';
import { decode } from './inbound-message';

const raw = (value: Buffer | null): KafkaMessage => ({ key: Buffer.from('k'), value, offset: '3', timestamp: '0', attributes: 0, headers: {} }) as KafkaMessage;

describe('decode', () => {
  it("takes a null value on a compacted topic for a tombstone: nothing to handle, nothing to dead-letter", () => {
    expect(decode('subscriptionChanges', 0, raw(null))).toEqual({ ok: 'tombstone' });
  });

  it('refuses a null value on a topic that is not compacted, as before', () => {
    expect(decode('events', 0, raw(null))).toMatchObject({ ok: false, reason: 'empty message value' });
  });
});
