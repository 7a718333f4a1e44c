import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiNotFoundResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { HttpError, ZodPipe } from '@tripline/service';
import { ApiKeyGuard, CurrentTenant } from '@tripline/tenancy';
import { ZodResponse } from 'nestjs-zod';
import { EventIdParam } from '../erasure/erasure.dtos';
import { EvaluatedEventsPageDto, EvaluatedEventsQuery, EvaluatedEventsQueryDto, EventEvaluationDto, type EvaluatedEvent, type EventEvaluationAnswer } from './event-evaluation.dtos';
import { EventEvaluationQueries, MAX_EXPLAINED } from './event-evaluation-queries';
import { verdictOf, type EvaluationRecord } from './subscription-verdicts';

/**
 * "Why did (not) my flow fire?": one event's evaluation, each of the tenant's subscriptions to
 * its triggers with whether it fired and, when not, why; and the tenant's evaluated events, to
 * find one by entity. For the console and API clients, not the flow designer (the connector
 * leaves these routes out).
 */
@ApiTags('events')
@ApiSecurity('apiKey')
@Controller('v1/events')
@UseGuards(ApiKeyGuard)
export class EventEvaluationsController {
  constructor(private readonly queries: EventEvaluationQueries) {}

  @Get()
  @ZodResponse({ status: 200, description: "The tenant's evaluated events, newest evaluation first", type: EvaluatedEventsPageDto })
  async list(@CurrentTenant() tenantId: string, @Query(new ZodPipe(EvaluatedEventsQuery)) query: EvaluatedEventsQueryDto) {
    const page = await this.queries.page(tenantId, query);
    return { events: page.items.map(listed), nextCursor: page.nextCursor };
  }

  @Get(':eventId/evaluation')
  @ZodResponse({ status: 200, description: 'Which subscriptions the event fired, and why each other one did not', type: EventEvaluationDto })
  @ApiNotFoundResponse({ description: "No evaluation of this event for the caller's tenant: unknown, another tenant's, not evaluated yet, or past retention" })
  async evaluation(@CurrentTenant() tenantId: string, @Param('eventId', new ZodPipe(EventIdParam)) eventId: string): Promise<EventEvaluationAnswer> {
    const event = await this.queries.evaluation(tenantId, eventId);
    if (!event) {
      throw new HttpError(
        'not_found',
        `no evaluation of event ${JSON.stringify(eventId)} for this tenant: no such event, not evaluated yet, or evaluated longer ago than the evaluator keeps evaluations (RETENTION_OBSERVATIONS_DAYS)`,
      );
    }
    const [subscriptions, earlier] = await Promise.all([
      this.queries.subscriptions(event),
      event.entity.kind === 'refresh' || event.entity.kind === 'unification' ? this.queries.earlierReports(event) : Promise.resolve([]),
    ]);
    const { fired: _count, ...head } = listed(event);
    return {
      ...head,
      status: event.status,
      runTrigger: event.runTrigger as EventEvaluationAnswer['runTrigger'],
      scope: event.scope as EventEvaluationAnswer['scope'],
      observation: observationOf(event),
      subscriptions: subscriptions.slice(0, MAX_EXPLAINED).map((s) => verdictOf(event, s, earlier)),
      subscriptionsTruncated: subscriptions.length > MAX_EXPLAINED,
    };
  }
}

function listed(event: EvaluationRecord): EvaluatedEvent {
  return {
    eventId: event.eventId,
    type: event.type,
    occurredAt: event.occurredAt,
    evaluatedAt: event.evaluatedAt.toISOString(),
    entity: event.entity,
    trigger: event.trigger,
    fired: event.fired.length,
  };
}

function observationOf(event: EvaluationRecord): EventEvaluationAnswer['observation'] {
  if (event.observation === null || event.value === null) return null;
  return {
    outcome: event.observation,
    previous: event.previous,
    previousAt: event.previousAt,
    value: event.value,
    stale: event.observation === 'stale',
    duplicate: event.observation === 'same-instant' || event.observation === 'replayed',
  };
}
