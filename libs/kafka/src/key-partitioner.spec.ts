import { randomBytes, randomUUID } from 'node:crypto';
import { Partitioners, type PartitionerArgs } from 'kafkajs';
import { keyPartitioner, murmur2 } from './key-partitioner';

describe('keyPartitioner', () => {
  // The Java client's own test vectors (org.apache.kafka.common.utils.UtilsTest#testMurmur2).
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %j as the Java client does', (key, expected) => {
    expect(murmur2(Buffer.from(key))).toBe(expected);
  });

  it('puts every key on the partition kafkajs’ DefaultPartitioner chooses', () => {
    const partitionMetadata = Array.from({ length: 997 }, (_, partitionId) => ({ partitionId, leader: 0 }));
    const ours = keyPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    const keys = [
      ...Array.from({ length: 2_000 }, () => randomUUID()),
      ...Array.from({ length: 2_000 }, (_, i) => randomBytes(i % 67)),
      'tenant:ds-é✓',
      '',
    ];
    for (const key of keys) {
      const args = { topic: 't', partitionMetadata, message: { key, value: 'v' } } as PartitionerArgs;
      expect([key, ours(args)]).toEqual([key, theirs(args)]);
    }
  });

  it('keeps an explicit partition', () => {
    const args = { topic: 't', partitionMetadata: [{ partitionId: 0, leader: 0 }, { partitionId: 1, leader: 0 }], message: { key: 'k', value: 'v', partition: 1 } } as PartitionerArgs;
    expect(keyPartitioner()(args)).toBe(1);
  });
});
