import { CallbackUrl } from '@tripline/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { SubscribedSchema } from '../subscriptions/subscription.dtos';

export const SetOperationsWebhook = z
  .object({ url: CallbackUrl.describe('Where to POST a notice each time one of the tenant\'s subscriptions is disabled (signed like every callback)') })
  .strict();
export class SetOperationsWebhookDto extends createZodDto(SetOperationsWebhook) {}

/** The answer to setting it: the subscription it is, and its signing secret (in this answer only). */
export const OperationsWebhookSet = SubscribedSchema.describe("The tenant's operations webhook (a subscription-disabled subscription), with its signing secret");
export class OperationsWebhookSetDto extends createZodDto(OperationsWebhookSet) {}
