import type { HttpException } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { HttpError } from './http-error';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * A window or wait in the environment: whole seconds, or with a unit (`60s`, `1m`, `1h`), read as
 * milliseconds.
 */
export const windowDuration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const match = /^(\d+)(s|m|h)?$/.exec(value.trim());
      const ms = match ? Number(match[1]) * UNIT_MS[(match[2] ?? 's') as keyof typeof UNIT_MS] : 0;
      if (ms < 1_000 || ms > 86_400_000) {
        ctx.addIssue({ code: 'custom', message: 'must be a window of 1 s to 24 h: seconds, or with a unit (60s, 1m, 1h)' });
        return z.NEVER;
      }
      return ms;
    });

/** Requests allowed per window, at least one. */
export const rateLimit = (fallback: number) => z.coerce.number().int().min(1).max(100_000_000).default(fallback);

/**
 * The one answer to a client over its limit: 429, `Retry-After` in whole seconds (at least 1),
 * and the usual error shape, saying when to come back.
 */
export function tooManyRequests(res: Response, retryAfterMs: number, reason: string): HttpException {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  res.setHeader('retry-after', String(seconds));
  return new HttpError('rate_limited', `${reason}; retry after ${seconds} s`);
}
