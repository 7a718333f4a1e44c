import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { ChoicesQuery, DataSourcesQuery, MeasuresQuery, RefreshRunsQuery, SegmentsQuery } from './platform-state.queries-input';
import { Choices, DataSourceView, MeasureView, RefreshRunView, SegmentView, StatusReport } from './platform-state.views';

const page = <K extends string, S extends z.ZodType>(key: K, item: S) =>
  z.object({ [key]: z.array(item), nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last') } as { [P in K]: z.ZodArray<S> } & { nextCursor: z.ZodNullable<z.ZodString> });

export class DataSourcesQueryDto extends createZodDto(DataSourcesQuery) {}
export class SegmentsQueryDto extends createZodDto(SegmentsQuery) {}
export class MeasuresQueryDto extends createZodDto(MeasuresQuery) {}
export class RefreshRunsQueryDto extends createZodDto(RefreshRunsQuery) {}

export class DataSourcesPageDto extends createZodDto(page('dataSources', DataSourceView)) {}
export class SegmentsPageDto extends createZodDto(page('segments', SegmentView)) {}
export class MeasuresPageDto extends createZodDto(page('measures', MeasureView)) {}
export class RefreshRunsPageDto extends createZodDto(page('refreshRuns', RefreshRunView)) {}
export class StatusReportDto extends createZodDto(StatusReport) {}

export class ChoicesQueryDto extends createZodDto(ChoicesQuery) {}
export class ChoicesDto extends createZodDto(Choices) {}
