import { chunksOf } from './topic-publisher';

describe('chunksOf', () => {
  const message = (n: number, bytes: number) => ({ key: `k${n}`, value: 'x'.repeat(bytes) });

  it('keeps every message, in order, in requests under the size limit', () => {
    const messages = Array.from({ length: 50 }, (_, n) => message(n, 1000));
    const chunks = chunksOf(messages, 10_000);
    expect(chunks.flat()).toEqual(messages);
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(chunk.reduce((sum, m) => sum + m.value.length + m.key.length + 64, 0)).toBeLessThanOrEqual(10_000);
  });

  it('sends a message larger than the limit on its own rather than dropping it', () => {
    const chunks = chunksOf([message(1, 10), message(2, 50_000), message(3, 10)], 10_000);
    expect(chunks.map((c) => c.map((m) => m.key))).toEqual([['k1'], ['k2'], ['k3']]);
  });
});
