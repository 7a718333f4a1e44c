import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { RefreshRequested, RefreshRequestInput } from '@tripline/contracts';
import { ZodPipe } from '@tripline/service';
import { TopicPublisher } from '@tripline/kafka';
import { ApiKeyGuard, CurrentTenant } from '@tripline/tenancy';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { randomUUID } from 'node:crypto';

class RefreshRequestDto extends createZodDto(RefreshRequestInput) {}
class RefreshRequestedDto extends createZodDto(RefreshRequested) {}

/**
 * A flow asks the data platform to refresh something. Tripline does not refresh anything
 * itself: it publishes the command on the commands topic, for the platform to act on, and
 * answers 202 once the command is durably there.
 */
@ApiTags('actions')
@ApiSecurity('apiKey')
@Controller('v1/refresh-requests')
@UseGuards(ApiKeyGuard)
export class RefreshRequestsController {
  constructor(private readonly publisher: TopicPublisher) {}

  @Post()
  @ZodResponse({ status: 202, description: 'The command, durably on the commands topic', type: RefreshRequestedDto })
  async request(@CurrentTenant() tenantId: string, @Body(new ZodPipe(RefreshRequestInput)) body: RefreshRequestDto): Promise<RefreshRequested> {
    const command: RefreshRequested = {
      type: 'refresh.requested',
      commandId: randomUUID(),
      tenantId,
      scope: body.scope,
      ids: body.ids ?? null,
      requestedAt: new Date().toISOString(),
    };
    await this.publisher.publish('commands', [{ key: tenantId, value: command }]);
    return command;
  }
}
