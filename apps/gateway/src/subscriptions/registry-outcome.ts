import type { RegistryOutcome } from '@tripline/contracts';
import { HttpError } from '@tripline/service';

/** The registry's answer if it is of the kind asked for; anything else as the HTTP error it means. */
export function expectOutcome<K extends RegistryOutcome['kind']>(outcome: RegistryOutcome, kind: K): Extract<RegistryOutcome, { kind: K }> {
  if (outcome.kind === kind) return outcome as Extract<RegistryOutcome, { kind: K }>;
  // 409: the request is valid, the tenant's state is what stands in the way (deleting a subscription resolves it).
  if (outcome.kind === 'failed' && outcome.code === 'limit_reached') {
    throw new HttpError('subscription_limit_reached', outcome.message);
  }
  if (outcome.kind === 'failed' && outcome.code === 'invalid_request') {
    throw new HttpError('internal', `registry refused the request: ${outcome.message}`);
  }
  throw new HttpError('internal', 'the registry could not complete the request');
}
