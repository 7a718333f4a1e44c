import { BadRequestException, Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, CurrentTenant } from '@tripline/tenancy';
import { INGESTION_ENV, type IngestionEnv } from '../ingestion.env';
import { parseEventBatch } from './event-batch';
import { EventIntake } from './event-intake';

@Controller('v1/events')
@UseGuards(ApiKeyGuard)
export class EventsController {
  constructor(
    private readonly intake: EventIntake,
    @Inject(INGESTION_ENV) private readonly env: IngestionEnv,
  ) {}

  /** 202 only once every event is durably in Kafka; on any error the producer should retry. */
  @Post()
  @HttpCode(202)
  async publish(@CurrentTenant() tenantId: string, @Body() body: unknown): Promise<{ accepted: number }> {
    const parsed = parseEventBatch(body, this.env.INGEST_MAX_BATCH);
    if (!parsed.ok) {
      throw new BadRequestException({
        error: 'validation_failed',
        message: parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '),
        issues: parsed.issues,
      });
    }
    return { accepted: await this.intake.accept(tenantId, parsed.events, 'http') };
  }
}
