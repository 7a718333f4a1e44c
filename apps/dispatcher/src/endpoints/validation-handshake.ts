import { randomBytes } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import type { Subscription } from '@tripline/contracts';

const NAMESPACE = '3b0f9a52-5c1d-4e7a-8f61-0d2c9e4b7a13';
export const VALIDATION_TRIGGER = 'subscription.validation';

export interface ValidationRequest {
  type: typeof VALIDATION_TRIGGER;
  subscriptionId: string;
  validationCode: string;
  /** What the callback must answer, as Event Grid asks. */
  expectedResponse: { validationResponse: string };
}

/**
 * The validation handshake (as Event Grid and Microsoft Graph do it): before any event, the
 * callback receives a signed request with a code, and must answer 2xx with
 * `{"validationResponse": "<code>"}`. One request per version of the subscription that asked,
 * so a redelivered change does not send a second one.
 */
export function validationDelivery(subscription: Subscription) {
  const validationCode = randomBytes(18).toString('base64url');
  const payload: ValidationRequest = {
    type: VALIDATION_TRIGGER,
    subscriptionId: subscription.id,
    validationCode,
    expectedResponse: { validationResponse: validationCode },
  };
  return {
    id: uuidv5(`${subscription.id}:${subscription.version}`, NAMESPACE),
    tenantId: subscription.tenantId,
    subscriptionId: subscription.id,
    eventId: `validation:${subscription.version}`,
    trigger: VALIDATION_TRIGGER,
    body: JSON.stringify(payload),
  };
}

/** Whether the endpoint's answer echoes the code. */
export function answersValidation(body: string, responseExcerpt: string | null): boolean {
  try {
    const { validationCode } = JSON.parse(body) as ValidationRequest;
    return (JSON.parse(responseExcerpt ?? '') as { validationResponse?: unknown }).validationResponse === validationCode;
  } catch {
    return false;
  }
}
