import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: what the cookie carries. Anything else is never looked up. */
const SESSION_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface IssuedSession {
  /** The cookie's value: shown to the browser once, in Set-Cookie; only its digest is stored. */
  token: string;
  digest: string;
  csrfToken: string;
  csrfDigest: string;
}

/** SHA-256, hex. A fast hash is right for 256 random bits, as for API keys: there is nothing to guess. */
export const tokenDigest = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

export function issueSession(): IssuedSession {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = csrfTokenFor(token);
  return { token, digest: tokenDigest(token), csrfToken, csrfDigest: tokenDigest(csrfToken) };
}

export const isSessionToken = (value: string): boolean => SESSION_TOKEN.test(value);

/**
 * A session's CSRF token, derived from its session token (HMAC keyed by it): the page can get it
 * again after a reload (GET /v1/console/session recomputes it from the cookie) although neither
 * token is stored, and knowing it tells nothing of the session token.
 */
export const csrfTokenFor = (sessionToken: string): string => createHmac('sha256', sessionToken).update('tripline console csrf').digest('base64url');

/** Whether the token a request sent is the session's, compared in constant time (digests of equal length). */
export function csrfMatches(sent: string, csrfDigest: string): boolean {
  const a = Buffer.from(tokenDigest(sent), 'hex');
  const b = Buffer.from(csrfDigest, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
