import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import { HttpError, tooManyRequests } from '@tripline/service';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';
import { AdminLockout } from './admin-lockout';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * `Authorization: Bearer <TRIPLINE_ADMIN_TOKEN>`, compared in constant time (digests of equal
 * length, so neither the token's content nor its length leaks). An address that keeps sending
 * wrong tokens is made to wait (AdminLockout); while it waits, no token it sends is judged, and
 * none makes the wait longer.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(
    @Inject(GATEWAY_ENV) env: GatewayEnv,
    private readonly lockout: AdminLockout,
  ) {
    this.expected = digest(env.TRIPLINE_ADMIN_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const match = /^Bearer (.+)$/.exec(req.header('authorization') ?? '');
    if (!match) throw new HttpError('unauthorized', 'missing Authorization: Bearer <admin token>');
    // The client's address: the socket's, or behind a proxy trusted by TRIPLINE_TRUST_PROXY the
    // one it forwards (Express's req.ip). IPv6 by its /64, as one host holds many.
    const address = normalizeIp(req.ip ?? req.socket.remoteAddress ?? 'unknown');
    const wait = this.lockout.waitFor(address);
    // Not judged, and not counted: a guess sent while waiting neither gets an answer nor makes the wait longer.
    if (wait > 0) throw tooManyRequests(http.getResponse<Response>(), wait, 'too many wrong admin tokens from this address');
    if (!timingSafeEqual(digest(match[1]), this.expected)) {
      this.lockout.failed(address);
      throw new HttpError('unauthorized', 'invalid admin token');
    }
    this.lockout.succeeded(address);
    return true;
  }
}
