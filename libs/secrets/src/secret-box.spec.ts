import { activeSecrets, newSecretsKey, newSigningSecret, SecretBox } from './index';

describe('SecretBox', () => {
  const box = new SecretBox(newSecretsKey());

  it('round-trips a secret, never showing it in the sealed form', () => {
    const secret = newSigningSecret();
    const sealed = box.seal(secret);
    expect(sealed).not.toContain(secret.slice(6));
    expect(box.open(sealed)).toBe(secret);
    expect(box.seal(secret)).not.toBe(sealed); // a fresh IV each time
  });

  it('refuses a tampered secret or another key', () => {
    const sealed = box.seal('whsec_abc');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('whsec_xyz').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox(newSecretsKey()).open(sealed)).toThrow();
  });

  it('insists on a 32-byte key', () => {
    expect(() => new SecretBox(Buffer.alloc(16).toString('base64'))).toThrow('32 bytes');
  });
});

describe('signing secrets', () => {
  it('are Standard Webhooks secrets', () => {
    expect(newSigningSecret()).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
  });

  it('stop signing once their overlap after a rotation is over', () => {
    const now = new Date('2026-11-26T12:00:00Z');
    const secrets = [
      { ciphertext: 'new', expiresAt: null },
      { ciphertext: 'old', expiresAt: '2026-11-26T13:00:00Z' },
      { ciphertext: 'older', expiresAt: '2026-11-26T11:00:00Z' },
    ];
    expect(activeSecrets(secrets, now).map((s) => s.ciphertext)).toEqual(['new', 'old']);
  });
});
