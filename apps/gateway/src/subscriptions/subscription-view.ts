import type { Subscription } from '@tripline/contracts';
import type { z } from 'zod';
import type { SubscriptionViewSchema } from './subscription.dtos';

/**
 * A subscription as the API shows it: the trigger's parameters flattened, as they were given;
 * the callback URL redacted (every query value REDACTED), in every answer, the subscribe answer
 * included: the URL starts the flow, and whoever reads an answer need not be able to.
 */
export type SubscriptionView = z.infer<typeof SubscriptionViewSchema>;

export function toView(subscription: Subscription): SubscriptionView {
  return {
    id: subscription.id,
    trigger: subscription.trigger,
    callbackUrl: subscription.redactedCallbackUrl,
    ...subscription.params,
    status: subscription.status,
    disabledReason: subscription.disabledReason,
    createdAt: subscription.createdAt,
    updatedAt: subscription.updatedAt,
  };
}
