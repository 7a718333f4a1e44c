import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** `Authorization: Bearer <TRIPLINE_ADMIN_TOKEN>`, compared in constant time. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(GATEWAY_ENV) env: GatewayEnv) {
    this.expected = digest(env.TRIPLINE_ADMIN_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().header('authorization') ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    if (!match) throw new UnauthorizedException({ error: 'unauthorized', message: 'missing Authorization: Bearer <admin token>' });
    if (!timingSafeEqual(digest(match[1]), this.expected)) {
      throw new UnauthorizedException({ error: 'unauthorized', message: 'invalid admin token' });
    }
    return true;
  }
}
