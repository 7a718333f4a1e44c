import { SubscriptionStatus, TriggerName } from '@tripline/contracts';
import { PageQuery } from '@tripline/service';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const SubscriptionViewSchema = z
  .object({
    id: z.uuid().describe('The id of the subscription.'),
    trigger: TriggerName.describe('The trigger it subscribes to.'),
    callbackUrl: z.string().describe('The callback URL with every query value (and any user info) replaced by REDACTED: it is what starts the flow.'),
    status: SubscriptionStatus.describe('Active; disabled when the callback said the flow is gone.'),
    disabledReason: z.string().nullable().describe('Why it was disabled, if it was.'),
    createdAt: z.string().describe('When it was made (ISO 8601).'),
    updatedAt: z.string().describe('When it last changed (ISO 8601).'),
  })
  .catchall(z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .describe("A subscription, with its trigger's parameters as fields of their own");
export class SubscriptionDto extends createZodDto(SubscriptionViewSchema) {}

export const SubscriptionsPage = z.object({ subscriptions: z.array(SubscriptionViewSchema), nextCursor: z.string().nullable() });
export class SubscriptionsPageDto extends createZodDto(SubscriptionsPage) {}

export const SubscriptionsQuery = z.object({
  ...PageQuery,
  status: SubscriptionStatus.exclude(['deleted']).optional().describe('Only subscriptions in this state'),
  trigger: TriggerName.optional().describe('Only subscriptions to this trigger'),
});
export class SubscriptionsQueryDto extends createZodDto(SubscriptionsQuery) {}

/** The subscribe answer: the subscription, and its signing secret (only ever in this answer). */
export const SubscribedSchema = SubscriptionViewSchema.extend({
  secret: z.string().describe('The webhook signing secret (whsec_...): verify each callback\'s webhook-signature with it'),
});
export class SubscribedDto extends createZodDto(SubscribedSchema) {}

export const SecretRotated = z.object({
  subscriptionId: z.uuid(),
  secret: z.string().describe('The new signing secret'),
  previousSecretsExpireAt: z.string().nullable().describe('Until then callbacks carry a signature with the previous secret too'),
});
export class SecretRotatedDto extends createZodDto(SecretRotated) {}

export const EnableSubscription = z
  .object({
    recoverSince: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('Also resend what failed since then (the deliveries the endpoint missed)'),
  })
  .strict();
export class EnableSubscriptionDto extends createZodDto(EnableSubscription) {}
