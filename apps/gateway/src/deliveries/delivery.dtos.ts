import { DeliveryStatus, DeliveryView } from '@tripline/contracts';
import { PageQuery } from '@tripline/service';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const DeliveriesQuery = z.object({ ...PageQuery, status: DeliveryStatus.optional().describe('Only deliveries in this state; failed ones are the dead letters') });
export class DeliveriesQueryDto extends createZodDto(DeliveriesQuery) {}

export const DeliveriesPage = z.object({ deliveries: z.array(DeliveryView), nextCursor: z.string().nullable() });
export class DeliveriesPageDto extends createZodDto(DeliveriesPage) {}

export const RecoverRequest = z
  .object({
    since: z.iso.datetime({ offset: true }).describe('Resend failed deliveries created at or after this time'),
    until: z.iso.datetime({ offset: true }).optional().describe('... and before this time (default: now)'),
  })
  .strict();
export class RecoverRequestDto extends createZodDto(RecoverRequest) {}

export const Recovered = z.object({ recovered: z.number().int().describe('Deliveries queued again') });
export class RecoveredDto extends createZodDto(Recovered) {}

export const Resent = z.object({ deliveryId: z.uuid(), status: z.literal('pending') });
export class ResentDto extends createZodDto(Resent) {}
