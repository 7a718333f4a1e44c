import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { HttpError } from '@tripline/service';
import type { Request } from 'express';
import { ConsoleSessionCredential } from './console-session-credential';
import type { ConsoleSession } from './console-sessions';

type SessionRequest = Request & { consoleSession?: ConsoleSession };

/** The console's own routes: a live session of either kind, by its cookie (and CSRF token on a write). */
@Injectable()
export class ConsoleSessionGuard implements CanActivate {
  constructor(private readonly credential: ConsoleSessionCredential) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<SessionRequest>();
    const session = await this.credential.sessionOf(req);
    if (!session) throw new HttpError('unauthorized', 'no console session: sign in with POST /v1/console/session');
    req.consoleSession = session;
    return true;
  }
}

/** The request's console session; only valid behind ConsoleSessionGuard. */
export const CurrentSession = createParamDecorator((_: unknown, context: ExecutionContext): ConsoleSession => {
  const session = context.switchToHttp().getRequest<SessionRequest>().consoleSession;
  if (!session) throw new HttpError('unauthorized', 'no console session');
  return session;
});
