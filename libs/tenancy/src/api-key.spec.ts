import { apiKeyMatches, apiKeyPrefix, hashApiKey, issueApiKey } from './api-key';

describe('API keys', () => {
  it('issues distinct well-formed keys whose prefix and hash identify them', () => {
    const a = issueApiKey();
    const b = issueApiKey();
    expect(a.plain).not.toBe(b.plain);
    expect(apiKeyPrefix(a.plain)).toBe(a.prefix);
    expect(a.hash).toBe(hashApiKey(a.plain));
    expect(a.hash).not.toContain(a.plain);
  });

  it('matches only the exact key', () => {
    const key = issueApiKey();
    expect(apiKeyMatches(key.plain, key.hash)).toBe(true);
    const tampered = key.plain.slice(0, -1) + (key.plain.endsWith('A') ? 'B' : 'A');
    expect(apiKeyMatches(tampered, key.hash)).toBe(false);
  });

  it('rejects malformed keys before any lookup', () => {
    expect(apiKeyPrefix('')).toBeNull();
    expect(apiKeyPrefix('tl_short_x')).toBeNull();
    expect(apiKeyPrefix('Bearer abc')).toBeNull();
  });
});
