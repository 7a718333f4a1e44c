import { kafkaHeaders, notReplayable } from './dead-letter-replay';

describe('replaying a dead letter', () => {
  const ours = (topic: string) => topic === 'tripline.ingest.v1';
  const letter = { payload: Buffer.from('{"id":"e1"}'), payloadTruncated: false, payloadBytes: 11, sourceTopic: 'tripline.ingest.v1' };

  it('puts back only whole bytes, a value, on a topic of this deployment', () => {
    expect(notReplayable(letter, ours)).toBeNull();
    expect(notReplayable({ ...letter, payloadTruncated: true, payloadBytes: 900_000 }, ours)).toMatch(/only the first 11 of its 900000 bytes/);
    // A null value on a compacted topic would be a tombstone: an erasure, not a replay.
    expect(notReplayable({ ...letter, payload: null, payloadBytes: 0 }, ours)).toMatch(/no value/);
    expect(notReplayable({ ...letter, sourceTopic: 'other-namespace.tripline.ingest.v1' }, ours)).toMatch(/not a topic of this deployment/);
  });

  it('sends the headers again as Kafka takes them, a repeated key with both values in order', () => {
    expect(kafkaHeaders([])).toEqual({});
    expect(
      kafkaHeaders([
        { key: 'traceparent', value: '00-abc-def-01' },
        { key: 'tag', value: 'a' },
        { key: 'tag', value: 'b' },
        { key: 'tag', value: 'c' },
      ]),
    ).toEqual({ traceparent: '00-abc-def-01', tag: ['a', 'b', 'c'] });
  });
});
