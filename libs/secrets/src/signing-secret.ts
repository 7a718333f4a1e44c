import { randomBytes } from 'node:crypto';

/**
 * A webhook signing secret in the Standard Webhooks format: `whsec_` + base64 of 24 random
 * bytes (192 bits, as Svix issues them).
 */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** A sealed secret and until when it signs: null for the current one, a time for a rotated one. */
export interface StoredSecret {
  ciphertext: string;
  expiresAt: string | null;
}

/** The secrets that still sign at `now`, newest first. */
export function activeSecrets(secrets: readonly StoredSecret[], now = new Date()): StoredSecret[] {
  return secrets.filter((s) => s.expiresAt === null || new Date(s.expiresAt) > now);
}
