import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { CallbackAddressPolicy, CallbackAddressRefused, guardedLookup, hostOf } from '@tripline/callback-policy';
import { LRUCache } from 'lru-cache';
import { isIP } from 'node:net';
import { Agent } from 'undici';
import { DISPATCHER_ENV, type DispatcherEnv } from '../dispatcher.env';
import { parseRetryAfter } from '../schedule/retry-schedule';
import { AttemptDeadlines } from './attempt-deadlines';
import { printable } from './outside-bytes';

export interface CallbackAttempt {
  statusCode: number | null;
  durationMs: number;
  /** Printable (see `printable`): it can quote what the receiver sent, and is stored and logged. */
  error: string | null;
  /** The first bytes of the answer, as they came: data, not text. */
  responseExcerpt: Buffer | null;
  /** The endpoint's Retry-After, in ms, when it sent one. */
  retryAfterMs: number | null;
  /** The address was refused (SSRF protection): retrying will not help. */
  refused: boolean;
}

const EXCERPT_BYTES = 1024;
const DRAIN_BYTES = 64 * 1024;

/** Where a callback URL is posted (undici's origin and path), or why it may not be. */
type Target = { origin: string; path: string } | { refused: string };

/**
 * POSTs callback bodies over a keep-alive pool, with a timeout per attempt. Every connection
 * goes through the address policy at connect time (the address actually connected to, after
 * DNS), so a callback cannot be pointed at Tripline's own network. Never throws: a failure is
 * a result.
 */
@Injectable()
export class CallbackSender implements OnApplicationShutdown {
  private readonly agent: Agent;
  private readonly policy: CallbackAddressPolicy;
  private readonly deadlines: AttemptDeadlines;
  /**
   * Each endpoint's URL parsed once, not at every attempt (undici's `request(url)` parses it
   * each time; with the address policy's check of an IP literal, a twelfth of the dispatcher's
   * HTTP client time). The policy is fixed at boot, so its verdict keeps too.
   */
  private readonly targets = new LRUCache<string, Target>({ max: 10_000 });

  constructor(@Inject(DISPATCHER_ENV) private readonly env: DispatcherEnv) {
    this.policy = new CallbackAddressPolicy(env.TRIPLINE_CALLBACK_ALLOWLIST);
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      // Per origin, not per endpoint: many endpoints share one host (every Power Automate flow of
      // a region does), so a lower cap here would let one tenant's hanging endpoints queue
      // everyone else's callbacks to that host. The scheduler's slots are what limit attempts.
      connections: env.DISPATCH_CONCURRENCY,
      connect: { timeout: env.DISPATCH_TIMEOUT, lookup: guardedLookup(this.policy) },
    });
    this.deadlines = new AttemptDeadlines(env.DISPATCH_TIMEOUT);
  }

  async post(url: string, body: string, headers: Record<string, string>): Promise<CallbackAttempt> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const failed = (error: string, refused = false): CallbackAttempt => ({
      statusCode: null,
      durationMs: elapsed(),
      error: printable(error),
      responseExcerpt: null,
      retryAfterMs: null,
      refused,
    });
    try {
      const target = this.targetOf(url);
      if ('refused' in target) return failed(`refused: ${target.refused}`, true);
      const res = await this.agent.request({
        origin: target.origin,
        path: target.path,
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'user-agent': 'Tripline-Webhooks/1.0', ...headers },
        signal: this.deadlines.signal(),
      });
      const excerpt = await readExcerpt(res.body);
      const retryAfter = res.headers['retry-after'];
      return {
        statusCode: res.statusCode,
        durationMs: elapsed(),
        error: null,
        responseExcerpt: excerpt,
        retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
        refused: false,
      };
    } catch (error) {
      const refusal = findRefusal(error);
      if (refusal) return failed(`refused: ${refusal.message}`, true);
      const e = error as Error & { code?: string };
      return failed(e.name === 'TimeoutError' ? `timed out after ${this.env.DISPATCH_TIMEOUT} ms` : `${e.code ?? e.name}: ${e.message}`);
    }
  }

  private targetOf(url: string): Target {
    let target = this.targets.get(url);
    if (target === undefined) {
      const parsed = new URL(url);
      // An IP literal never goes through DNS, so connect-time lookup would not see it: judge it here.
      const host = hostOf(url);
      const verdict = isIP(host) ? this.policy.verdict(host) : null;
      target = verdict && !verdict.allowed ? { refused: verdict.reason } : { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      this.targets.set(url, target);
    }
    return target;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }
}

function findRefusal(error: unknown): CallbackAddressRefused | null {
  for (let e = error as { cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e instanceof CallbackAddressRefused) return e;
  }
  return null;
}

/** Keeps the start of the response for the delivery log, and drains a little more so the socket can be reused. */
async function readExcerpt(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<Buffer | null> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let seen = 0;
  for await (const chunk of body) {
    seen += chunk.length;
    if (keptBytes < EXCERPT_BYTES) {
      kept.push(chunk.subarray(0, EXCERPT_BYTES - keptBytes));
      keptBytes += Math.min(chunk.length, EXCERPT_BYTES - keptBytes);
    }
    if (seen > DRAIN_BYTES) {
      body.destroy();
      break;
    }
  }
  return keptBytes > 0 ? Buffer.concat(kept) : null;
}
