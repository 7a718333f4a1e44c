import type { Subscription } from '@tripline/contracts';
import type { z } from 'zod';
import type { SubscriptionViewSchema } from './subscription.dtos';

/** A subscription as the API shows it: the trigger's parameters flattened, as they were given. */
export type SubscriptionView = z.infer<typeof SubscriptionViewSchema>;

export function toView(subscription: Subscription): SubscriptionView {
  return {
    id: subscription.id,
    trigger: subscription.trigger,
    callbackUrl: subscription.callbackUrl,
    ...subscription.params,
    status: subscription.status,
    disabledReason: subscription.disabledReason,
    createdAt: subscription.createdAt,
    updatedAt: subscription.updatedAt,
  };
}
