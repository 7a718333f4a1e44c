import { Inject, Injectable, Optional } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ApiKeyStore, type StoredApiKey } from './api-key-store';
import { ApiKeyUsage } from './api-key-usage';
import { apiKeyMatches, apiKeyPrefix } from './api-key';

/** The clock the caches expire by; a test passes its own. */
export const API_KEY_CACHE_CLOCK = Symbol('API_KEY_CACHE_CLOCK');
export interface CacheClock {
  now(): number;
}

/**
 * Resolves an API key to its tenant. Keys are read from the gateway's `api_keys` table (the
 * gateway alone writes it) through a short cache that keeps the hot path of ingestion off the
 * database:
 * - known prefixes for KNOWN_TTL_MS, so a revocation takes up to that long to apply everywhere;
 * - unknown prefixes for UNKNOWN_TTL_MS, so a client repeating a junk key costs no database
 *   round trip per request. A key created after its prefix was looked up in vain works once that
 *   miss expires, or at once where `forget` is called (the gateway, which issues keys, does).
 * Both caches are bounded, and apart: a flood of junk keys cannot push out the real ones.
 * Concurrent lookups of one prefix share one query. A key that matches is reported to ApiKeyUsage
 * (when/last used, written at most once a minute), where the service provides it.
 */
@Injectable()
export class ApiKeyVerifier {
  static readonly KNOWN_TTL_MS = 10_000;
  static readonly UNKNOWN_TTL_MS = 5_000;
  static readonly MAX_ENTRIES = 10_000;

  private readonly known: LRUCache<string, StoredApiKey>;
  private readonly unknown: LRUCache<string, true>;
  private readonly inFlight = new Map<string, Promise<StoredApiKey | null>>();

  constructor(
    private readonly store: ApiKeyStore,
    @Optional() @Inject(API_KEY_CACHE_CLOCK) clock?: CacheClock,
    @Optional() private readonly usage?: ApiKeyUsage,
  ) {
    const perf = clock ?? performance;
    // ttlResolution 0: read the clock on each get, instead of caching it behind a 1 ms timer per read.
    this.known = new LRUCache({ max: ApiKeyVerifier.MAX_ENTRIES, ttl: ApiKeyVerifier.KNOWN_TTL_MS, ttlResolution: 0, perf });
    this.unknown = new LRUCache({ max: ApiKeyVerifier.MAX_ENTRIES, ttl: ApiKeyVerifier.UNKNOWN_TTL_MS, ttlResolution: 0, perf });
  }

  async tenantFor(plain: string): Promise<string | null> {
    const prefix = apiKeyPrefix(plain);
    if (!prefix) return null;
    const key = await this.lookUp(prefix);
    if (!key || key.revoked || !apiKeyMatches(plain, key.keyHash)) return null;
    this.usage?.used(prefix);
    return key.tenantId;
  }

  /** Drops what is cached of a prefix, e.g. once a key with it was issued. */
  forget(prefix: string): void {
    this.known.delete(prefix);
    this.unknown.delete(prefix);
    this.inFlight.delete(prefix);
  }

  private lookUp(prefix: string): Promise<StoredApiKey | null> {
    const cached = this.known.get(prefix);
    if (cached) return Promise.resolve(cached);
    if (this.unknown.has(prefix)) return Promise.resolve(null);
    return this.inFlight.get(prefix) ?? this.query(prefix);
  }

  private query(prefix: string): Promise<StoredApiKey | null> {
    const pending: Promise<StoredApiKey | null> = this.store
      .findByPrefix(prefix)
      .then((key) => {
        // Forgotten while the query ran: its answer may predate a new key; use it, keep nothing.
        if (this.inFlight.get(prefix) !== pending) return key;
        if (key) this.known.set(prefix, key);
        else this.unknown.set(prefix, true);
        return key;
      })
      .finally(() => {
        if (this.inFlight.get(prefix) === pending) this.inFlight.delete(prefix);
      });
    this.inFlight.set(prefix, pending);
    return pending;
  }
}
