import { csrfMatches, csrfTokenFor, isSessionToken, issueSession, tokenDigest } from './session-tokens';

describe('console session tokens', () => {
  it('issues 32 random bytes, base64url, and keeps only SHA-256 digests of it and of its CSRF token', () => {
    const a = issueSession();
    const b = issueSession();
    expect(a.token).not.toBe(b.token);
    expect(Buffer.from(a.token, 'base64url')).toHaveLength(32);
    expect(isSessionToken(a.token)).toBe(true);
    expect(a.digest).toBe(tokenDigest(a.token));
    expect(a.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(a.csrfDigest).toBe(tokenDigest(a.csrfToken));
    expect(a.csrfToken).not.toBe(a.token);
  });

  it('derives the CSRF token from the session token, so it can be handed out again without being stored', () => {
    const session = issueSession();
    expect(csrfTokenFor(session.token)).toBe(session.csrfToken);
    expect(csrfTokenFor(issueSession().token)).not.toBe(session.csrfToken);
  });

  it('matches only the exact CSRF token', () => {
    const { csrfToken, csrfDigest } = issueSession();
    expect(csrfMatches(csrfToken, csrfDigest)).toBe(true);
    expect(csrfMatches(`${csrfToken}x`, csrfDigest)).toBe(false);
    expect(csrfMatches('', csrfDigest)).toBe(false);
    expect(csrfMatches(csrfToken, 'not-hex')).toBe(false);
  });

  it('refuses malformed session tokens before any lookup', () => {
    for (const value of ['', 'short', 'A'.repeat(42), 'A'.repeat(44), `${'A'.repeat(42)}=`, `${'A'.repeat(42)}\u0000`]) {
      expect(isSessionToken(value)).toBe(false);
    }
  });
});
