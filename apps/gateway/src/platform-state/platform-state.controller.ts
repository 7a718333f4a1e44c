import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ZodPipe } from '@tripline/service';
import { ApiKeyGuard, CurrentTenant } from '@tripline/tenancy';
import { ZodResponse } from 'nestjs-zod';
import {
  DataSourcesPageDto,
  DataSourcesQueryDto,
  MeasuresPageDto,
  MeasuresQueryDto,
  RefreshRunsPageDto,
  RefreshRunsQueryDto,
  SegmentsPageDto,
  SegmentsQueryDto,
  StatusReportDto,
} from './platform-state.dtos';
import { dataSourceView, measureView, PlatformStateQueries, refreshRunView, segmentView } from './platform-state.queries';
import { DataSourcesQuery, MeasuresQuery, RefreshRunsQuery, SegmentsQuery } from './platform-state.queries-input';
import type { StatusReport } from './platform-state.views';

/**
 * The connector's read actions: the data platform's state as Tripline has seen it through
 * events. Every list pages the same way (`limit`, `cursor` → `nextCursor`); the segment and
 * measure lists double as the flow designer's pickers.
 */
@ApiTags('actions')
@ApiSecurity('apiKey')
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class PlatformStateController {
  constructor(private readonly queries: PlatformStateQueries) {}

  @Get('data-sources')
  @ZodResponse({ status: 200, type: DataSourcesPageDto })
  async dataSources(@CurrentTenant() tenantId: string, @Query(new ZodPipe(DataSourcesQuery)) query: DataSourcesQueryDto) {
    const page = await this.queries.dataSources(tenantId, query);
    return { dataSources: page.items.map(dataSourceView), nextCursor: page.nextCursor };
  }

  @Get('segments')
  @ZodResponse({ status: 200, type: SegmentsPageDto })
  async segments(@CurrentTenant() tenantId: string, @Query(new ZodPipe(SegmentsQuery)) query: SegmentsQueryDto) {
    const page = await this.queries.segments(tenantId, query);
    return { segments: page.items.map(segmentView), nextCursor: page.nextCursor };
  }

  @Get('measures')
  @ZodResponse({ status: 200, type: MeasuresPageDto })
  async measures(@CurrentTenant() tenantId: string, @Query(new ZodPipe(MeasuresQuery)) query: MeasuresQueryDto) {
    const page = await this.queries.measures(tenantId, query);
    return { measures: page.items.map(measureView), nextCursor: page.nextCursor };
  }

  @Get('refresh-runs')
  @ZodResponse({ status: 200, type: RefreshRunsPageDto })
  async refreshRuns(@CurrentTenant() tenantId: string, @Query(new ZodPipe(RefreshRunsQuery)) query: RefreshRunsQueryDto) {
    const page = await this.queries.refreshRuns(tenantId, query);
    return { refreshRuns: page.items.map(refreshRunView), nextCursor: page.nextCursor };
  }

  /** The original connector's "send the status report" action, as one summary. */
  @Get('status-report')
  @ZodResponse({ status: 200, type: StatusReportDto })
  statusReport(@CurrentTenant() tenantId: string): Promise<StatusReport> {
    return this.queries.statusReport(tenantId);
  }
}
