import { parse, v5 as uuidv5 } from 'uuid';

/** Parsed once: given as a string, uuid would parse it again for every id. */
const NAMESPACE = parse('a8d5b2e4-1c7f-4b0e-9f3a-6e2d8c4b1a90');

/**
 * One firing of one subscription has one id, however often it is evaluated (Kafka redelivers
 * after a crash; a producer may report a run twice): it is the webhook-id receivers
 * de-duplicate on. `occurrence` is what makes the firing unique (an event, or a run). Here, in
 * the contracts, because the evaluator derives it to publish and the gateway to explain a firing.
 */
export function deliveryId(tenantId: string, occurrence: string, subscriptionId: string): string {
  // As bytes: given a string, uuid encodes it to UTF-8 in JavaScript, a sixteenth of the
  // evaluator's CPU at saturation; Buffer does it natively, to the same bytes.
  return uuidv5(Buffer.from(JSON.stringify([tenantId, occurrence, subscriptionId]), 'utf8'), NAMESPACE);
}

/** The occurrence of a firing by one event. */
export const eventOccurrence = (eventId: string) => `event:${eventId}`;

/** The occurrence of a firing by a run: a run reported by two events fires once. */
export const runOccurrence = (runId: string) => `run:${runId}`;

/** The occurrence of a firing by a notice of the operations topic. */
export const noticeOccurrence = (noticeId: string) => `notice:${noticeId}`;
