import { Controller, Get, Res } from '@nestjs/common';
import { MetricsRegistry } from '@tripline/metrics';
import type { Response } from 'express';

/**
 * Prometheus' scrape endpoint, on every service's HTTP port. It takes no credentials (as a
 * scrape target usually does not): its labels carry no tenant or id, and a deployment that
 * exposes the port beyond its network should keep `/metrics` inside (see docs/operations.md).
 */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  async scrape(@Res() res: Response): Promise<void> {
    const text = await this.metrics.exposition();
    res.status(200).setHeader('content-type', this.metrics.contentType);
    res.send(text);
  }
}
