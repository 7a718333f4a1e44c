import { Controller, Delete, Param, UseGuards } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ZodPipe } from '@tripline/service';
import { ApiKeyGuard, CurrentTenant } from '@tripline/tenancy';
import { ZodResponse } from 'nestjs-zod';
import { EventErasedDto, EventIdParam } from './erasure.dtos';
import { EventErasure, type EventErased } from './event-erasure';

/** Erasure of one event's payloads (GDPR), by the tenant that sent it. */
@ApiTags('events')
@ApiSecurity('apiKey')
@Controller('v1/events')
@UseGuards(ApiKeyGuard)
export class EventsController {
  constructor(private readonly erasure: EventErasure) {}

  @Delete(':eventId')
  @ZodResponse({ status: 200, description: 'What was removed of the event, per kind (zeros: nothing of it was stored for this tenant)', type: EventErasedDto })
  erase(@CurrentTenant() tenantId: string, @Param('eventId', new ZodPipe(EventIdParam)) eventId: string): Promise<EventErased> {
    return this.erasure.erase(tenantId, eventId);
  }
}
