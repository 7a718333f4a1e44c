import { v5 as uuidv5 } from 'uuid';
import type { TriggerName } from '@tripline/contracts';

const NAMESPACE = '6f0d6b0c-3c1e-4f0a-9a53-2a4f5f7c1d10';

/**
 * A subscription's id is derived from what defines it, so subscribing twice (Power Automate
 * retries its calls) lands on the same subscription without a lookup or a unique index race.
 */
export function subscriptionId(
  tenantId: string,
  trigger: TriggerName,
  callbackUrl: string,
  params: Record<string, string | number | boolean>,
): string {
  const canonicalParams = Object.keys(params)
    .sort()
    .map((key) => [key, params[key]]);
  return uuidv5(JSON.stringify([tenantId, trigger, callbackUrl, canonicalParams]), NAMESPACE);
}
