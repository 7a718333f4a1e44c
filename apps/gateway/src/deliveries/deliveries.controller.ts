import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, UseFilters, UseGuards } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { DispatcherOutcome } from '@tripline/contracts';
import { decodeCursor, encodeCursor, HttpError, ZodPipe } from '@tripline/service';
import { ApiKeyGuard, CurrentTenant } from '@tripline/tenancy';
import { ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import { DeliveriesPageDto, DeliveriesQuery, DeliveriesQueryDto, DeliveriesSearch, DeliveriesSearchDto, RecoveredDto, SummariesDto, SummariesQuery, SummariesQueryDto, RecoverRequest, RecoverRequestDto, ResentDto } from './delivery.dtos';
import { RequestTimedOutFilter } from '../request-timed-out.filter';
import { DispatcherClient } from './dispatcher-client';

const notFound = (what: string) => new HttpError('not_found', `no such ${what}`);
const UnknownId = (what: string) => new ParseUUIDPipe({ exceptionFactory: () => notFound(what) });

/**
 * The delivery log and recovery: every delivery of a subscription with every attempt; resend
 * one delivery (dead letters included); resend everything that failed in a time window.
 */
@ApiTags('deliveries')
@ApiSecurity('apiKey')
@Controller('v1')
@UseGuards(ApiKeyGuard)
@UseFilters(RequestTimedOutFilter)
export class DeliveriesController {
  constructor(@Inject(DispatcherClient) private readonly dispatcher: DispatcherClient) {}

  /** The tenant's whole delivery log, narrowed by subscription, state, trigger and time. */
  @Get('deliveries')
  @ZodResponse({ status: 200, description: 'Newest first, each with its latest attempts', type: DeliveriesPageDto })
  search(@CurrentTenant() tenantId: string, @Query(new ZodPipe(DeliveriesSearch)) query: DeliveriesSearchDto) {
    return this.page(tenantId, query);
  }

  /** How each subscription's callbacks have fared: its latest delivery, and the last 24 hours' outcomes. */
  @Get('deliveries/summaries')
  @ZodResponse({ status: 200, description: 'One summary per subscription', type: SummariesDto })
  async summaries(@CurrentTenant() tenantId: string, @Query(new ZodPipe(SummariesQuery)) query: SummariesQueryDto) {
    const { summaries } = expect(await this.dispatcher.ask({ kind: 'summaries', tenantId, subscriptionIds: query.subscriptionIds }), 'summaries');
    return { summaries };
  }

  @Get('subscriptions/:id/deliveries')
  @ZodResponse({ status: 200, description: 'Newest first, each with its latest attempts', type: DeliveriesPageDto })
  list(
    @CurrentTenant() tenantId: string,
    @Param('id', UnknownId('subscription')) subscriptionId: string,
    @Query(new ZodPipe(DeliveriesQuery)) query: DeliveriesQueryDto,
  ) {
    return this.page(tenantId, { ...query, subscriptionId });
  }

  private async page(tenantId: string, { cursor, limit, ...filter }: DeliveriesSearchDto) {
    const before = decodeCursor(cursor, 2, ([at, id]) => !Number.isNaN(Date.parse(at)) && z.uuid().safeParse(id).success) as [string, string] | null;
    const outcome = expect(await this.dispatcher.ask({ kind: 'deliveries', tenantId, ...filter, limit, before: before ?? undefined }), 'deliveries');
    return { deliveries: outcome.deliveries, nextCursor: outcome.next ? encodeCursor(outcome.next) : null };
  }

  /** Queues the delivery for one more attempt now, with the same webhook-id. */
  @Post('deliveries/:id/resend')
  @HttpCode(202)
  @ZodResponse({ status: 202, description: 'Queued for another attempt', type: ResentDto })
  async resend(@CurrentTenant() tenantId: string, @Param('id', UnknownId('delivery')) deliveryId: string) {
    const { found } = expect(await this.dispatcher.ask({ kind: 'resend', tenantId, deliveryId }), 'resent');
    if (!found) throw notFound('delivery');
    return { deliveryId, status: 'pending' as const };
  }

  /** Resends every failed delivery of the subscription created in [since, until). */
  @Post('subscriptions/:id/recover')
  @HttpCode(202)
  @ZodResponse({ status: 202, description: 'How many deliveries were queued again', type: RecoveredDto })
  async recover(
    @CurrentTenant() tenantId: string,
    @Param('id', UnknownId('subscription')) subscriptionId: string,
    @Body(new ZodPipe(RecoverRequest)) body: RecoverRequestDto,
  ) {
    const { count } = expect(await this.dispatcher.ask({ kind: 'recover', tenantId, subscriptionId, since: body.since, until: body.until }), 'recovered');
    return { recovered: count };
  }
}

function expect<K extends DispatcherOutcome['kind']>(outcome: DispatcherOutcome, kind: K): Extract<DispatcherOutcome, { kind: K }> {
  if (outcome.kind === kind) return outcome as Extract<DispatcherOutcome, { kind: K }>;
  throw new HttpError('internal', 'unexpected answer from the dispatcher');
}
