import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { TriggerName } from '@tripline/contracts';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import { describeTriggers, type TriggerDescription } from './trigger-schemas';

const TriggerCatalogue = z.object({
  triggers: z.array(
    z.object({
      name: TriggerName,
      summary: z.string(),
      description: z.string(),
      firedBy: z.string().describe('The event type that can fire it'),
      subscribe: z.object({ method: z.literal('POST'), path: z.string() }),
      parameters: z.record(z.string(), z.unknown()).describe('JSON Schema of the subscribe body'),
      payload: z.record(z.string(), z.unknown()).describe('JSON Schema of the callback body'),
    }),
  ),
});
class TriggerCatalogueDto extends createZodDto(TriggerCatalogue) {}

/** The trigger catalogue: no tenant data in it, so no key needed. */
@ApiTags('triggers')
@Controller('v1/triggers')
export class TriggersController {
  private readonly catalogue = describeTriggers();

  @Get()
  @ZodResponse({ status: 200, description: 'Every trigger, its parameters and its callback payload, as JSON Schema', type: TriggerCatalogueDto })
  list(): { triggers: TriggerDescription[] } {
    return { triggers: this.catalogue };
  }
}
