import type { ListPosition, Subscription } from '@tripline/contracts';

/**
 * How many bytes of subscriptions one list reply may carry. A reply is one Kafka message, and a
 * message over the broker's limit (1 MiB by default) is refused: the gateway would wait for an
 * answer that never comes. A subscription with its sealed URL and secrets is one or two KiB, so
 * a page of the largest `limit` could pass it; this leaves the reply well under.
 */
export const LIST_REPLY_MAX_BYTES = 256 * 1024;

/**
 * A page cut short where the encoded subscriptions would pass `maxBytes` (never below one, which
 * alone is far smaller). `more`: the store had rows after these. nextAfter is where the next page
 * starts, null when this one is the last.
 */
export function boundedPage(
  subscriptions: Subscription[],
  more: boolean,
  maxBytes = LIST_REPLY_MAX_BYTES,
): { subscriptions: Subscription[]; nextAfter: ListPosition | null } {
  let bytes = 0;
  let count = 0;
  for (const subscription of subscriptions) {
    bytes += Buffer.byteLength(JSON.stringify(subscription)) + 1;
    if (count > 0 && bytes > maxBytes) break;
    count++;
  }
  const page = subscriptions.slice(0, count);
  const cut = count < subscriptions.length;
  const last = page.at(-1);
  // The store lists the disabled part first: the last one's state says in which part the page ended.
  return { subscriptions: page, nextAfter: (cut || more) && last ? { disabled: last.status === 'disabled', id: last.id } : null };
}
