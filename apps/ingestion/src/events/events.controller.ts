import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { HttpError } from '@tripline/service';
import { ApiKeyGuard, CurrentTenant } from '@tripline/tenancy';
import { INGESTION_ENV, type IngestionEnv } from '../ingestion.env';
import { eventCount, parseEventBatch } from './event-batch';
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
      this.intake.metrics.refused('http', 'invalid', eventCount(body));
      throw new HttpError('validation_failed', parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues: parsed.issues });
    }
    const stamped = this.intake.stamp(tenantId, parsed.events, 'http');
    const oversized = this.intake.oversized(stamped);
    if (oversized.length > 0) {
      const limit = this.intake.maxEventBytes;
      const issues = oversized.map(({ index, bytes }) => ({
        path: parsed.single ? '(root)' : `events[${index}]`,
        message: `the event is ${bytes} bytes as published; the limit is ${limit} bytes (INGEST_MAX_EVENT_BYTES)`,
      }));
      // Final: the same event will never fit. Large parts (a full refresh's components) belong in smaller events.
      this.intake.metrics.refused('http', 'too_large', parsed.events.length);
      throw new HttpError('event_too_large', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { limit, issues });
    }
    return { accepted: await this.intake.accept(stamped) };
  }
}
