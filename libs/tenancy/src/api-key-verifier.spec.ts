import { ApiKeyStore, type StoredApiKey } from './api-key-store';
import { ApiKeyUsage } from './api-key-usage';
import { ApiKeyVerifier } from './api-key-verifier';
import { issueApiKey, type IssuedApiKey } from './api-key';

/** Our key-store port, in memory, counting the lookups that would be database round trips. */
class CountingKeyStore extends ApiKeyStore {
  readonly keys = new Map<string, StoredApiKey>();
  lookups = 0;

  add(key: IssuedApiKey, tenantId: string, revoked = false): void {
    this.keys.set(key.prefix, { tenantId, keyHash: key.hash, revoked });
  }

  async findByPrefix(prefix: string): Promise<StoredApiKey | null> {
    this.lookups++;
    await Promise.resolve();
    return this.keys.get(prefix) ?? null;
  }

  async markUsed(): Promise<void> {
    // ApiKeyUsage's own spec covers what is written.
  }
}

describe('ApiKeyVerifier', () => {
  let store: CountingKeyStore;
  let clock: { ms: number; now(): number };
  let verifier: ApiKeyVerifier;

  beforeEach(() => {
    store = new CountingKeyStore();
    clock = { ms: 1_000_000, now: () => clock.ms };
    verifier = new ApiKeyVerifier(store, clock);
  });

  it('looks a junk key up once, however often it is sent', async () => {
    const junk = issueApiKey().plain;
    for (let i = 0; i < 50; i++) expect(await verifier.tenantFor(junk)).toBeNull();
    expect(store.lookups).toBe(1);
  });

  it('shares one lookup among concurrent requests with the same unknown key', async () => {
    const junk = issueApiKey().plain;
    expect(await Promise.all(Array.from({ length: 20 }, () => verifier.tenantFor(junk)))).toEqual(Array(20).fill(null));
    expect(store.lookups).toBe(1);
  });

  it('never looks up a malformed key', async () => {
    expect(await verifier.tenantFor('not-a-key')).toBeNull();
    expect(store.lookups).toBe(0);
  });

  it('resolves a real key from the cache, and refuses a wrong secret behind its prefix without another lookup', async () => {
    const key = issueApiKey();
    store.add(key, 'tenant-a');
    expect(await verifier.tenantFor(key.plain)).toBe('tenant-a');
    expect(await verifier.tenantFor(key.plain)).toBe('tenant-a');
    const wrongSecret = `tl_${key.prefix}_${'A'.repeat(43)}`;
    expect(await verifier.tenantFor(wrongSecret)).toBeNull();
    expect(store.lookups).toBe(1);
  });

  it('refuses a revoked key', async () => {
    const key = issueApiKey();
    store.add(key, 'tenant-a', true);
    expect(await verifier.tenantFor(key.plain)).toBeNull();
  });

  it('accepts a key created after its prefix was missed once the miss expires (where nobody tells it)', async () => {
    const key = issueApiKey();
    expect(await verifier.tenantFor(key.plain)).toBeNull();
    store.add(key, 'tenant-a');
    expect(await verifier.tenantFor(key.plain)).toBeNull();
    clock.ms += ApiKeyVerifier.UNKNOWN_TTL_MS + 1;
    expect(await verifier.tenantFor(key.plain)).toBe('tenant-a');
    expect(store.lookups).toBe(2);
  });

  it('accepts such a key at once when told its prefix was issued', async () => {
    const key = issueApiKey();
    expect(await verifier.tenantFor(key.plain)).toBeNull();
    store.add(key, 'tenant-a');
    verifier.forget(key.prefix);
    expect(await verifier.tenantFor(key.plain)).toBe('tenant-a');
  });

  it('does not keep a miss whose lookup was running when the prefix was issued', async () => {
    const key = issueApiKey();
    const pending = verifier.tenantFor(key.plain);
    store.add(key, 'tenant-a');
    verifier.forget(key.prefix);
    await pending;
    expect(await verifier.tenantFor(key.plain)).toBe('tenant-a');
  });

  it('applies a revocation once the cached key expires (KNOWN_TTL_MS)', async () => {
    const key = issueApiKey();
    store.add(key, 'tenant-a');
    expect(await verifier.tenantFor(key.plain)).toBe('tenant-a');
    store.add(key, 'tenant-a', true);
    clock.ms += ApiKeyVerifier.KNOWN_TTL_MS + 1;
    expect(await verifier.tenantFor(key.plain)).toBeNull();
  });

  it('reports the use of a key that matched, never of a junk, wrong-secret or revoked one', async () => {
    const used: string[] = [];
    const usage = { used: (prefix: string) => used.push(prefix) } as unknown as ApiKeyUsage;
    verifier = new ApiKeyVerifier(store, clock, usage);
    const key = issueApiKey();
    const revoked = issueApiKey();
    store.add(key, 'tenant-a');
    store.add(revoked, 'tenant-a', true);
    await verifier.tenantFor(key.plain);
    await verifier.tenantFor(key.plain);
    await verifier.tenantFor(`tl_${key.prefix}_${'A'.repeat(43)}`);
    await verifier.tenantFor(revoked.plain);
    await verifier.tenantFor(issueApiKey().plain);
    expect(used).toEqual([key.prefix, key.prefix]);
  });

  it('stays bounded: a flood of distinct junk keys pushes out old misses, never the real keys', async () => {
    const key = issueApiKey();
    store.add(key, 'tenant-a');
    expect(await verifier.tenantFor(key.plain)).toBe('tenant-a');
    const first = issueApiKey().plain;
    await verifier.tenantFor(first);
    for (let i = 0; i < ApiKeyVerifier.MAX_ENTRIES; i++) await verifier.tenantFor(issueApiKey().plain);
    const before = store.lookups;
    expect(await verifier.tenantFor(key.plain)).toBe('tenant-a');
    expect(store.lookups).toBe(before);
    await verifier.tenantFor(first);
    expect(store.lookups).toBe(before + 1);
  });
});
