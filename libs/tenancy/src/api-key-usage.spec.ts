import { ApiKeyStore, type StoredApiKey } from './api-key-store';
import { ApiKeyUsage } from './api-key-usage';

/** Our key-store port, in memory, keeping each markUsed call: the statements that would run. */
class RecordingKeyStore extends ApiKeyStore {
  readonly writes: Array<{ prefixes: string[]; at: number; intervalMs: number }> = [];
  failNext = false;

  async findByPrefix(): Promise<StoredApiKey | null> {
    return null;
  }

  async markUsed(prefixes: string[], at: Date, intervalMs: number): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('connection terminated');
    }
    this.writes.push({ prefixes: [...prefixes].sort(), at: at.getTime(), intervalMs });
  }
}

describe('ApiKeyUsage', () => {
  let store: RecordingKeyStore;
  let clock: { ms: number; now(): number };
  let usage: ApiKeyUsage;

  beforeEach(() => {
    store = new RecordingKeyStore();
    clock = { ms: Date.parse('2026-12-04T10:00:00Z'), now: () => clock.ms };
    usage = new ApiKeyUsage(store, clock);
  });
  afterEach(() => usage.onModuleDestroy());

  it('writes the keys used meanwhile in one statement, each once, however many requests used them', async () => {
    for (let i = 0; i < 1_000; i++) usage.used(i % 2 ? 'aaaaaaaaaaaa' : 'bbbbbbbbbbbb');
    await usage.flush();
    expect(store.writes).toEqual([{ prefixes: ['aaaaaaaaaaaa', 'bbbbbbbbbbbb'], at: clock.ms, intervalMs: ApiKeyUsage.RECORD_INTERVAL_MS }]);
  });

  it('writes a key again only once RECORD_INTERVAL_MS has passed since it was written', async () => {
    const first = clock.ms;
    usage.used('aaaaaaaaaaaa');
    await usage.flush();
    clock.ms = first + ApiKeyUsage.RECORD_INTERVAL_MS - 1;
    usage.used('aaaaaaaaaaaa');
    await usage.flush();
    expect(store.writes).toHaveLength(1);
    clock.ms = first + ApiKeyUsage.RECORD_INTERVAL_MS + 1;
    usage.used('aaaaaaaaaaaa');
    await usage.flush();
    expect(store.writes.map((w) => w.at)).toEqual([first, clock.ms]);
  });

  it('writes nothing when nothing was used', async () => {
    await usage.flush();
    expect(store.writes).toEqual([]);
  });

  it('flushes by itself FLUSH_DELAY_MS after the first use, off the request path', async () => {
    jest.useFakeTimers();
    try {
      usage.used('aaaaaaaaaaaa');
      expect(store.writes).toEqual([]);
      usage.used('bbbbbbbbbbbb');
      await jest.advanceTimersByTimeAsync(ApiKeyUsage.FLUSH_DELAY_MS);
      expect(store.writes).toEqual([expect.objectContaining({ prefixes: ['aaaaaaaaaaaa', 'bbbbbbbbbbbb'] })]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('tries a failed write again at the key\'s next use, and writes what is queued on shutdown', async () => {
    store.failNext = true;
    usage.used('aaaaaaaaaaaa');
    await usage.flush();
    expect(store.writes).toEqual([]);
    usage.used('aaaaaaaaaaaa');
    usage.used('bbbbbbbbbbbb');
    await usage.onModuleDestroy();
    expect(store.writes).toEqual([expect.objectContaining({ prefixes: ['aaaaaaaaaaaa', 'bbbbbbbbbbbb'] })]);
  });
});
