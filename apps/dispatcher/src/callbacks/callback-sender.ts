import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { CallbackAddressPolicy, CallbackAddressRefused, guardedLookup, hostOf } from '@tripline/callback-policy';
import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import { DISPATCHER_ENV, type DispatcherEnv } from '../dispatcher.env';
import { parseRetryAfter } from '../schedule/retry-schedule';
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
    // An IP literal never goes through DNS, so connect-time lookup would not see it: judge it here.
    const host = hostOf(url);
    if (isIP(host)) {
      const verdict = this.policy.verdict(host);
      if (!verdict.allowed) return failed(`refused: ${verdict.reason}`, true);
    }
    try {
      const res = await request(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'user-agent': 'Tripline-Webhooks/1.0', ...headers },
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.env.DISPATCH_TIMEOUT),
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
