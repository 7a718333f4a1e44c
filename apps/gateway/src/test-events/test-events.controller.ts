import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { eventEntity, eventEntityId } from '@tripline/contracts';
import { TopicPublisher } from '@tripline/kafka';
import { ZodPipe } from '@tripline/service';
import { ApiKeyGuard, CurrentTenant } from '@tripline/tenancy';
import { ZodResponse } from 'nestjs-zod';
import { randomUUID } from 'node:crypto';
import { sampleEvent } from './sample-event';
import { TestEventRequest, TestEventRequestDto, TestEventSentDto, type TestEventSent } from './test-event.dtos';

/**
 * "Send a test event" (the console's Set-up page): a sample event of a type, for the caller's
 * tenant, to see which of its flows it fires. The browser cannot post to ingestion (another
 * origin, API key only), so the gateway makes the event and publishes it on the ingest topic, as
 * any Kafka producer would: ingestion checks it against the contract and the tenant exactly as
 * it does a real one, stamps it and passes it on, and the evaluator judges it like any other.
 * Not the events topic: that would skip ingestion's checks, and make the gateway a producer of
 * what only ingestion publishes. A console route, so not in the Power Automate connector.
 */
@ApiTags('console')
@ApiSecurity('apiKey')
@Controller('v1/console/test-events')
@UseGuards(ApiKeyGuard)
export class TestEventsController {
  constructor(private readonly publisher: TopicPublisher) {}

  /** 202 once the sample is durably on the ingest topic; it is evaluated a moment later. */
  @Post()
  @HttpCode(202)
  @ZodResponse({ status: 202, description: 'The sample, durably on the ingest topic: ingestion and the evaluator take it from there', type: TestEventSentDto })
  async send(@CurrentTenant() tenantId: string, @Body(new ZodPipe(TestEventRequest)) body: TestEventRequestDto): Promise<TestEventSent> {
    const event = sampleEvent(body, { nonce: randomUUID(), now: new Date() });
    // Keyed as the topic advises (tenantId:entityId): one entity's events stay in order.
    await this.publisher.publish('ingest', [{ key: `${tenantId}:${eventEntityId(event)}`, value: { ...event, tenantId } }]);
    return { eventId: event.id, type: event.type, entity: eventEntity(event), occurredAt: event.occurredAt };
  }
}
