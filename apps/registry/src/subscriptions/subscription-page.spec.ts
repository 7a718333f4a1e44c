import type { Subscription } from '@tripline/contracts';
import { boundedPage, LIST_REPLY_MAX_BYTES } from './subscription-page';

const subscription = (n: number, urlBytes = 100): Subscription => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  tenantId: '0b3c1f4e-7c9a-4a34-9a8e-2d1f6a0b9c11',
  trigger: 'data-source-refresh-failed',
  sealedCallbackUrl: `v1.aaaa.bbbb.${'c'.repeat(urlBytes)}`,
  redactedCallbackUrl: 'https://x.test/cb',
  params: {},
  status: 'active',
  disabledReason: null,
  secrets: [],
  handshake: false,
  version: 1,
  createdAt: '2026-11-26T10:00:00.000Z',
  updatedAt: '2026-11-26T10:00:00.000Z',
});

describe('boundedPage', () => {
  it('keeps a page whole when it fits, with the store\'s answer of whether more follow', () => {
    const rows = [1, 2, 3].map((n) => subscription(n));
    expect(boundedPage(rows, false)).toEqual({ subscriptions: rows, nextAfter: null });
    expect(boundedPage(rows, true).nextAfter).toEqual({ disabled: false, id: rows[2].id });
    expect(boundedPage([{ ...rows[0], status: 'disabled' }], true).nextAfter).toEqual({ disabled: true, id: rows[0].id });
  });

  it('cuts a page that would pass the byte budget, and says where the next one starts', () => {
    const rows = Array.from({ length: 500 }, (_, n) => subscription(n, 2_000)); // about 1.2 MB in all
    const page = boundedPage(rows, false);
    expect(page.subscriptions.length).toBeLessThan(500);
    expect(Buffer.byteLength(JSON.stringify(page.subscriptions))).toBeLessThanOrEqual(LIST_REPLY_MAX_BYTES);
    expect(page.nextAfter).toEqual({ disabled: false, id: page.subscriptions[page.subscriptions.length - 1].id });
  });

  it('always answers at least one subscription, so paging moves on', () => {
    const page = boundedPage([subscription(1, 5_000), subscription(2)], false, 1_000);
    expect(page.subscriptions).toHaveLength(1);
    expect(page.nextAfter).toEqual({ disabled: false, id: subscription(1).id });
  });
});
