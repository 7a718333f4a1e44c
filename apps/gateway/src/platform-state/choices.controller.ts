import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ZodPipe } from '@tripline/service';
import { ApiKeyGuard, CurrentTenant } from '@tripline/tenancy';
import { ZodResponse } from 'nestjs-zod';
import { ChoicesDto, ChoicesQueryDto } from './platform-state.dtos';
import { PlatformStateQueries } from './platform-state.queries';
import { ChoicesQuery } from './platform-state.queries-input';
import { MAX_CHOICES, type Choices } from './platform-state.views';

const ALL = `Every match in one answer (at most ${MAX_CHOICES.toLocaleString('en-US')}), by name then id`;

/**
 * What the flow designer's parameter pickers offer. The designer cannot pass what the user types
 * to the operation, it filters what one call returned, so a picker fed by a paged list shows only
 * the first page; these answer every choice at once instead.
 */
@ApiTags('pickers')
@ApiSecurity('apiKey')
@Controller('v1/choices')
@UseGuards(ApiKeyGuard)
export class ChoicesController {
  constructor(private readonly queries: PlatformStateQueries) {}

  @Get('data-sources')
  @ApiOperation({ operationId: 'ListDataSourceChoices', summary: 'Data sources to pick from', description: ALL })
  @ZodResponse({ status: 200, type: ChoicesDto })
  dataSources(@CurrentTenant() tenantId: string, @Query(new ZodPipe(ChoicesQuery)) query: ChoicesQueryDto): Promise<Choices> {
    return this.queries.choices(tenantId, 'dataSources', query.q);
  }

  @Get('segments')
  @ApiOperation({ operationId: 'ListSegmentChoices', summary: 'Segments to pick from', description: ALL })
  @ZodResponse({ status: 200, type: ChoicesDto })
  segments(@CurrentTenant() tenantId: string, @Query(new ZodPipe(ChoicesQuery)) query: ChoicesQueryDto): Promise<Choices> {
    return this.queries.choices(tenantId, 'segments', query.q);
  }

  @Get('measures')
  @ApiOperation({ operationId: 'ListMeasureChoices', summary: 'Measures to pick from', description: ALL })
  @ZodResponse({ status: 200, type: ChoicesDto })
  measures(@CurrentTenant() tenantId: string, @Query(new ZodPipe(ChoicesQuery)) query: ChoicesQueryDto): Promise<Choices> {
    return this.queries.choices(tenantId, 'measures', query.q);
  }
}
