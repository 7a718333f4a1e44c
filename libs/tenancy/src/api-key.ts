import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `tl_<prefix>_<secret>`. The prefix finds the row; only the SHA-256 of the
 * whole key is stored. A fast hash is right here (as for GitHub's and Stripe's keys): the key
 * carries 256 random bits, so there is nothing for a slow hash to protect against guessing.
 */
const KEY_PATTERN = /^tl_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface IssuedApiKey {
  plain: string;
  prefix: string;
  hash: string;
}

export function issueApiKey(): IssuedApiKey {
  const prefix = randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
  const plain = `tl_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { plain, prefix, hash: hashApiKey(plain) };
}

export function hashApiKey(plain: string): string {
  return createHash('sha256').update(plain, 'utf8').digest('hex');
}

/** The prefix of a well-formed key, or null: malformed keys never reach the database. */
export function apiKeyPrefix(plain: string): string | null {
  return KEY_PATTERN.exec(plain)?.[1] ?? null;
}

export function apiKeyMatches(plain: string, storedHash: string): boolean {
  const a = Buffer.from(hashApiKey(plain), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
