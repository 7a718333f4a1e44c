import { describeFailure, isOutage } from './handler-failure';

export interface Refused<M> {
  message: M;
  reason: string;
  /** Refused because the handler kept failing on it alone, not by the handler's own decision. */
  failed?: boolean;
}

export interface IsolationPolicy {
  /** Waits before each retry of a failing part: its length is the retries a lone message gets. */
  backoffMs: readonly number[];
  /** Called between tries, so a long isolation keeps the group membership. */
  heartbeat(): Promise<void>;
  sleep?(ms: number): Promise<void>;
}

/** A retry soon after the first failure (a deadlock, a blip), then 1 s and 3 s for a lone message. */
export const DEFAULT_BACKOFF_MS = [200, 1_000, 3_000] as const;

/**
 * Runs a handler over a fetch so that no message can stall the partitions it came from. A
 * failure that is an outage (see `isOutage`) is rethrown: the fetch is retried as a whole, for
 * as long as it takes, and nothing is dead-lettered. Any other failure is retried once after a
 * short wait; if the part keeps failing it is split in halves, in order, each handled on its
 * own, down to the message that fails alone; that one is retried on the backoff schedule and
 * then refused with the error, for the dead-letter topic. Everything else goes on.
 *
 * Halves run one after the other, so each partition's messages are still handled in order; a
 * message handled before a split is handled again only if its part failed, and every handler is
 * idempotent (the consumers' contract: a fetch may always be delivered again).
 */
export async function handleIsolated<M>(
  messages: M[],
  handle: (part: M[]) => Promise<Array<Refused<M>>>,
  policy: IsolationPolicy,
): Promise<Array<Refused<M>>> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const refused: Array<Refused<M>> = [];

  const attempt = async (part: M[]): Promise<{ ok: true } | { ok: false; error: unknown }> => {
    try {
      refused.push(...(await handle(part)));
      return { ok: true };
    } catch (error) {
      if (isOutage(error)) throw error;
      return { ok: false, error };
    }
  };

  const isolate = async (part: M[], retried: boolean): Promise<void> => {
    let result = await attempt(part);
    if (result.ok) return;
    if (part.length === 1) {
      let tries = 1;
      for (const wait of policy.backoffMs.slice(retried ? 1 : 0)) {
        await sleep(wait);
        await policy.heartbeat();
        result = await attempt(part);
        tries++;
        if (result.ok) return;
      }
      refused.push({ message: part[0], reason: `the handler failed on this message alone, ${tries} times: ${describeFailure(result.error)}`, failed: true });
      return;
    }
    if (!retried && policy.backoffMs.length > 0) {
      await sleep(policy.backoffMs[0]);
      await policy.heartbeat();
      result = await attempt(part);
      if (result.ok) return;
    }
    const middle = Math.ceil(part.length / 2);
    await isolate(part.slice(0, middle), true);
    await policy.heartbeat();
    await isolate(part.slice(middle), true);
  };

  await isolate(messages, false);
  return refused;
}
