import { Inject, Injectable } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import { HttpError, tooManyRequests } from '@tripline/service';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';
import { AdminLockout } from './admin-lockout';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * The client's address: the socket's, or behind a proxy trusted by TRIPLINE_TRUST_PROXY the one
 * it forwards (Express's req.ip). IPv6 by its /64, as one host holds many.
 */
export const clientAddress = (req: Request): string => normalizeIp(req.ip ?? req.socket.remoteAddress ?? 'unknown');

/**
 * Judges an admin token sent by a request, wherever it is sent (the Authorization header, the
 * console's sign-in): compared in constant time (digests of equal length, so neither the
 * token's content nor its length leaks). An address that keeps sending wrong tokens is made to
 * wait (AdminLockout); while it waits, no token it sends is judged, and none makes the wait longer.
 */
@Injectable()
export class AdminTokenCheck {
  private readonly expected: Buffer;

  constructor(
    @Inject(GATEWAY_ENV) env: GatewayEnv,
    private readonly lockout: AdminLockout,
  ) {
    this.expected = digest(env.TRIPLINE_ADMIN_TOKEN);
  }

  /** Returns when `token` is the admin token; throws 429 while the address waits, 401 (counted) when it is wrong. */
  assert(token: string, req: Request, res: Response): void {
    const address = clientAddress(req);
    const wait = this.lockout.waitFor(address);
    // Not judged, and not counted: a guess sent while waiting neither gets an answer nor makes the wait longer.
    if (wait > 0) throw tooManyRequests(res, wait, 'too many wrong admin tokens from this address');
    if (!timingSafeEqual(digest(token), this.expected)) {
      this.lockout.failed(address);
      throw new HttpError('unauthorized', 'invalid admin token');
    }
    this.lockout.succeeded(address);
  }
}
