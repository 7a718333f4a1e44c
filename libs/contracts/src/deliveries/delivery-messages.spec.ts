import { randomUUID } from 'node:crypto';
import { describeIssues } from '../common';
import { callbackBody, DeliveryRequest } from './delivery-messages';
import type { TriggerPayload } from './trigger-payloads';

const tenantId = randomUUID();
const subscriptionId = randomUUID();
const payload: TriggerPayload = {
  eventId: 'evt-1',
  trigger: 'segment-threshold-crossed',
  tenantId,
  subscriptionId,
  occurredAt: '2026-12-01T10:00:00.000Z',
  segmentId: 'seg-1',
  segmentName: 'Loyal "gold" customers \u0000 ✓',
  threshold: 100,
  previousValue: 90,
  newValue: 130,
  runId: null,
};
const request = { deliveryId: randomUUID(), tenantId, subscriptionId, trigger: 'segment-threshold-crossed', eventId: 'evt-1', requestedAt: '2026-12-01T10:00:01.000Z' } as const;

describe('a delivery request on the deliveries topic', () => {
  it('carries the callback body serialized once, and hands it over as the same string', () => {
    const body = callbackBody(payload);
    const parsed = DeliveryRequest.parse(JSON.parse(JSON.stringify({ ...request, body })));
    expect(parsed.body).toBe(body);
    expect(JSON.parse(parsed.body)).toEqual(payload);
  });

  it('still takes one written before (a payload, not a body), and turns it into a body', () => {
    // What is on the topic when a deployment is upgraded, or in a dead letter replayed from before.
    const parsed = DeliveryRequest.parse(JSON.parse(JSON.stringify({ ...request, payload })));
    const { body, ...rest } = parsed;
    expect(rest).toEqual(request);
    expect(JSON.parse(body)).toEqual(payload);
    expect(parsed).not.toHaveProperty('payload');
  });

  it('refuses a body that is not a JSON object, naming the field', () => {
    const refused = DeliveryRequest.safeParse({ ...request, body: 'not json' });
    expect(refused.success).toBe(false);
    expect(describeIssues(refused.error!).map((i) => i.path)).toEqual(['body']);
  });
});
