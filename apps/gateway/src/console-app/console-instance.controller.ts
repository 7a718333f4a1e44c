import { Controller, Get, Inject, Req, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ZodResponse } from 'nestjs-zod';
import { ConsoleSessionGuard } from '../console-session/console-session.guard';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';
import { ConsoleInstanceDto, type ConsoleInstanceView } from './console-instance.dtos';

/** What the console's set-up page tells a flow maker to type: this gateway's address. */
@ApiTags('console')
@Controller('v1/console/instance')
@UseGuards(ConsoleSessionGuard)
@ApiCookieAuth('consoleSession')
export class ConsoleInstanceController {
  constructor(@Inject(GATEWAY_ENV) private readonly env: Pick<GatewayEnv, 'TRIPLINE_PUBLIC_URL'>) {}

  @Get()
  @ZodResponse({ status: 200, description: "This gateway's public address", type: ConsoleInstanceDto })
  instance(@Req() req: Request): ConsoleInstanceView {
    const configured = this.env.TRIPLINE_PUBLIC_URL;
    // Unset, the best guess is where the browser reached us (behind a proxy trusted by
    // TRIPLINE_TRUST_PROXY, the address the proxy was asked for).
    const url = configured ?? `${req.protocol}://${req.host}`;
    return { publicUrl: url.replace(/\/+$/, ''), publicUrlSource: configured ? 'configured' : 'request' };
  }
}
