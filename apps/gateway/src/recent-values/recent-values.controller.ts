import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ZodPipe } from '@tripline/service';
import { ApiKeyGuard, CurrentTenant } from '@tripline/tenancy';
import { ZodResponse } from 'nestjs-zod';
import { MeasureIdParam, RecentValuesDto, RecentValuesQuery, RecentValuesQueryDto, SegmentIdParam, type RecentValue } from './recent-values.dtos';
import { RecentValuesQueries } from './recent-values.queries';

const DESCRIPTION = 'Oldest to newest, the values applied in turn (a stale or duplicate observation never was the value), as long as the evaluator keeps them (RETENTION_OBSERVATIONS_DAYS)';

/**
 * The recent values of a segment or a measure, for the console's charts. Not an action: the
 * connector leaves these routes out (a flow has the current value from the lists, and a crossing
 * from its trigger). An id the tenant has no values of answers an empty list, as a segment not
 * reported yet does: another tenant's id is not told apart from an unknown one.
 */
@ApiTags('platform state')
@ApiSecurity('apiKey')
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class RecentValuesController {
  constructor(private readonly queries: RecentValuesQueries) {}

  @Get('segments/:id/values')
  @ZodResponse({ status: 200, description: `The segment's recent member counts. ${DESCRIPTION}`, type: RecentValuesDto })
  async segment(
    @CurrentTenant() tenantId: string,
    @Param('id', new ZodPipe(SegmentIdParam, 'id')) id: string,
    @Query(new ZodPipe(RecentValuesQuery)) query: RecentValuesQueryDto,
  ): Promise<{ values: RecentValue[] }> {
    return { values: await this.queries.recent(tenantId, 'segment', id, query.limit) };
  }

  @Get('measures/:id/values')
  @ZodResponse({ status: 200, description: `The measure's recent values. ${DESCRIPTION}`, type: RecentValuesDto })
  async measure(
    @CurrentTenant() tenantId: string,
    @Param('id', new ZodPipe(MeasureIdParam, 'id')) id: string,
    @Query(new ZodPipe(RecentValuesQuery)) query: RecentValuesQueryDto,
  ): Promise<{ values: RecentValue[] }> {
    return { values: await this.queries.recent(tenantId, 'measure', id, query.limit) };
  }
}
