import type { CallbackAttempt } from '../callbacks/callback-sender';

/**
 * What one attempt's result means. Any 2xx is success (as Power Automate says); 404 and 410
 * mean the flow is gone; timeouts, connection errors, 408, 429 and 5xx may pass; an address
 * refused by the SSRF policy and any other answer will not change by asking again.
 */
export type AttemptVerdict = 'delivered' | 'retry' | 'final' | 'gone';

export function judgeAttempt({ statusCode, refused }: Pick<CallbackAttempt, 'statusCode' | 'refused'>): AttemptVerdict {
  if (refused) return 'final';
  if (statusCode === null) return 'retry';
  if (statusCode >= 200 && statusCode < 300) return 'delivered';
  if (statusCode === 404 || statusCode === 410) return 'gone';
  if (statusCode === 408 || statusCode === 429 || statusCode >= 500) return 'retry';
  return 'final';
}
