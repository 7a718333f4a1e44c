import { operationsWebhookId, SubscriptionDisabled, subscriptionDisabledNoticeId } from '@tripline/contracts';
import { goneOutcome, subscriptionFixture } from '@tripline/testing';
import { randomUUID } from 'node:crypto';
import { disablingOf, storableText, subscriptionDisabledNotice } from './disabled-notice';

const tenantId = randomUUID();
const disabled = (id?: string) =>
  subscriptionFixture(tenantId, 'https://flows.example.test/hook?sig=s3cret', { ...(id ? { id } : {}), status: 'disabled', version: 3, trigger: 'unification-completed' })
    .subscription;

describe('the notice of a disabling', () => {
  it('reads 404 and 410 as gone, an endpoint given up on as failing, or as a failed handshake while one was awaited', () => {
    const gone = goneOutcome(tenantId, randomUUID(), 2);
    expect(disablingOf(gone, 'active')).toEqual({ reason: 'gone', reasonText: 'callback answered 410: the flow no longer exists' });
    const failed = { ...gone, result: 'failed' as const, lastStatusCode: 503, endpointDisabledReason: 'callbacks failed for 5.0 days without a success (last: HTTP 503)' };
    expect(disablingOf(failed, 'active')).toEqual({ reason: 'failing', reasonText: failed.endpointDisabledReason });
    expect(disablingOf({ ...failed, endpointDisabledReason: 'validation handshake failed: HTTP 500' }, 'pending_validation')?.reason).toBe('handshake-failed');
    expect(disablingOf({ ...failed, endpointDisabledReason: null }, 'active')).toBeNull();
  });

  it("is named by the disabling (tenant, subscription, version), so every copy of it has one id, and a later disabling another", () => {
    const s = disabled();
    const outcome = goneOutcome(tenantId, s.id, 1);
    const a = subscriptionDisabledNotice(s, disablingOf(outcome, 'active')!, outcome);
    const b = subscriptionDisabledNotice(s, disablingOf(outcome, 'active')!, outcome);
    expect(a.noticeId).toBe(b.noticeId);
    expect(a.noticeId).toBe(subscriptionDisabledNoticeId(tenantId, s.id, 3));
    expect(subscriptionDisabledNotice({ ...s, version: 5 }, disablingOf(outcome, 'active')!, outcome).noticeId).not.toBe(a.noticeId);
  });

  it('shows the redacted URL, the last status, since when it failed (failing only), and which is the operations webhook', () => {
    const s = disabled(operationsWebhookId(tenantId));
    const outcome = { ...goneOutcome(tenantId, s.id, 4), result: 'failed' as const, lastStatusCode: null, lastError: 'connect ECONNREFUSED', endpointDisabledReason: 'callbacks failed for 2 s without a success (last: connect ECONNREFUSED)', endpointFailingSince: '2026-12-01T09:00:00.000Z' };
    const notice = SubscriptionDisabled.parse(subscriptionDisabledNotice(s, disablingOf(outcome, 'active')!, outcome));
    expect(notice).toMatchObject({
      operationsWebhook: true,
      callbackUrl: 'https://flows.example.test/hook?sig=REDACTED',
      reason: 'failing',
      lastStatusCode: null,
      lastError: 'connect ECONNREFUSED',
      failingSince: '2026-12-01T09:00:00.000Z',
      deliveryId: outcome.deliveryId,
      disabledAt: s.updatedAt,
    });
    const gone = goneOutcome(tenantId, s.id, 1);
    expect(subscriptionDisabledNotice(s, disablingOf(gone, 'active')!, { ...gone, endpointFailingSince: '2026-12-01T09:00:00.000Z' }).failingSince).toBeNull();
  });

  it("turns whatever an endpoint's error said into text the contract stores: no NUL, bounded", () => {
    const s = disabled();
    const outcome = { ...goneOutcome(tenantId, s.id, 1), lastError: `bad\u0000bytes\u001b[31m${'x'.repeat(10_000)}\ud800` };
    const notice = subscriptionDisabledNotice(s, disablingOf(outcome, 'active')!, outcome);
    expect(() => SubscriptionDisabled.parse(notice)).not.toThrow();
    expect(notice.lastError!.startsWith('bad bytes [31m')).toBe(true);
    expect(storableText('line\nbreak\tand tab')).toBe('line\nbreak\tand tab');
  });
});
