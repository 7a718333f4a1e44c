import { NameApiKey } from './api-key.dtos';

describe('an API key name', () => {
  const name = (value: unknown) => NameApiKey.safeParse({ name: value });

  it('is 1-100 characters once trimmed: any script, emoji sequences whole', () => {
    expect(name('  CI pipeline  ').data).toEqual({ name: 'CI pipeline' });
    for (const ok of ['x', 'Ingestion – prod (eu-west)', '日本のデータ', 'family 👨‍👩‍👧', 'a'.repeat(100), `${'a'.repeat(100)}   `]) expect(name(ok).success).toBe(true);
  });

  it('refuses blank, too long, control characters, separators, bidirectional controls and the invisible, naming `name`', () => {
    for (const bad of ['', '   ', '\u3000', 'a'.repeat(101), 'a\u0000b', 'line\nbreak', 'a\u2028b', 'admin\u202egnp.exe', '\u200b', '\u200d\u200b', 'a\ud800', 42, null]) {
      const result = name(bad);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((i) => i.path)).toEqual(expect.arrayContaining([['name']]));
    }
  });

  it('refuses other fields, so a typo is not silently ignored', () => {
    expect(NameApiKey.safeParse({ name: 'x', nmae: 'y' }).success).toBe(false);
  });
});
