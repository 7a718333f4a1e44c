import { TokenBucketStorage } from './token-bucket-storage';

describe('TokenBucketStorage', () => {
  const MINUTE = 60_000;
  let clock: { ms: number; now(): number };
  beforeEach(() => (clock = { ms: 5_000_000, now: () => clock.ms }));

  const hit = (storage: TokenBucketStorage, key = 'tenant:a', limit = 100) => storage.increment(key, MINUTE, limit);

  it('allows the limit at once, then refuses, saying when the next request fits', async () => {
    const storage = new TokenBucketStorage(10, clock);
    for (let i = 1; i <= 100; i++) expect(await hit(storage)).toMatchObject({ isBlocked: false, totalHits: i });
    expect(await hit(storage)).toEqual({ isBlocked: true, totalHits: 101, timeToExpire: 60, timeToBlockExpire: 1 });
  });

  it('refills evenly, and a refused request spends nothing', async () => {
    const storage = new TokenBucketStorage(10, clock);
    for (let i = 0; i < 100; i++) await hit(storage);
    for (let i = 0; i < 50; i++) expect((await hit(storage)).isBlocked).toBe(true);
    clock.ms += 600; // one request's share of the minute
    expect((await hit(storage)).isBlocked).toBe(false);
    expect((await hit(storage)).isBlocked).toBe(true);
    clock.ms += 30_000;
    for (let i = 0; i < 50; i++) expect((await hit(storage)).isBlocked).toBe(false);
    expect((await hit(storage)).isBlocked).toBe(true);
  });

  it('never refuses the limit-th request to float rounding', async () => {
    const storage = new TokenBucketStorage(10, clock);
    for (const limit of [3, 7, 600, 999]) {
      for (let i = 0; i < limit; i++) expect([limit, i, (await hit(storage, `k${limit}`, limit)).isBlocked]).toEqual([limit, i, false]);
      expect((await hit(storage, `k${limit}`, limit)).isBlocked).toBe(true);
    }
  });

  it('keeps keys apart', async () => {
    const storage = new TokenBucketStorage(10, clock);
    for (let i = 0; i < 100; i++) await hit(storage, 'tenant:a');
    expect((await hit(storage, 'tenant:a')).isBlocked).toBe(true);
    expect((await hit(storage, 'tenant:b')).isBlocked).toBe(false);
  });

  it('starts a key full again once its bucket has refilled, and keeps at most maxKeys', async () => {
    const storage = new TokenBucketStorage(2, clock);
    for (let i = 0; i < 100; i++) await hit(storage, 'tenant:a');
    clock.ms += MINUTE;
    expect(await hit(storage, 'tenant:a')).toMatchObject({ isBlocked: false, totalHits: 1 });
    await hit(storage, 'tenant:b');
    await hit(storage, 'tenant:c');
    expect(await hit(storage, 'tenant:a')).toMatchObject({ isBlocked: false, totalHits: 1 });
  });
});
