import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import { AdminTokenGuard } from '../admin/admin-token.guard';
import { ServiceReadiness, type ServiceProbe } from './service-readiness';
import { SERVICE_NAMES } from './service-urls';

export const ServicesAnswer = z.object({
  services: z.array(
    z.object({
      name: z.enum(SERVICE_NAMES),
      url: z.string().describe("Where its readiness was asked (the gateway: 'this instance', the one answering)"),
      status: z.enum(['up', 'down', 'unreachable']).describe('up: ready; down: it answered, not ready; unreachable: no answer in time'),
      checks: z.object({}).catchall(z.boolean()).nullable().describe('Its readiness checks, as it reported them: name → passed'),
      detail: z.string().nullable().describe('The failing checks, the status code, or why it could not be reached'),
      latencyMs: z.number().int().min(0),
      checkedAt: z.iso.datetime(),
    }),
  ),
});
export class ServicesAnswerDto extends createZodDto(ServicesAnswer) {}

/** Each service's readiness, for the operators' Operations page. */
@ApiTags('admin')
@ApiBearerAuth('adminToken')
@Controller('v1/admin/services')
@UseGuards(AdminTokenGuard)
export class ServicesController {
  constructor(private readonly readiness: ServiceReadiness) {}

  @Get()
  @ZodResponse({ status: 200, description: "The five services' readiness, each probed now", type: ServicesAnswerDto })
  async list(): Promise<{ services: ServiceProbe[] }> {
    return { services: await this.readiness.probeAll() };
  }
}
