import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { HttpError } from '@tripline/service';
import type { Request, Response } from 'express';
import { ConsoleSessionCredential } from '../console-session/console-session-credential';
import { AdminTokenCheck } from './admin-token-check';

/**
 * `Authorization: Bearer <TRIPLINE_ADMIN_TOKEN>` (judged by AdminTokenCheck: constant time, the
 * lockout), or without that header an operator's console session (its cookie; a write also
 * needs its X-CSRF-Token). The header, when present, wins and is judged as if there were no session.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(
    private readonly token: AdminTokenCheck,
    private readonly sessions: ConsoleSessionCredential,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const authorization = req.header('authorization');
    if (!authorization && (await this.sessions.operatorFor(req))) return true;
    const match = /^Bearer (.+)$/.exec(authorization ?? '');
    if (!match) throw new HttpError('unauthorized', 'missing Authorization: Bearer <admin token> (or operator console session cookie)');
    this.token.assert(match[1], req, http.getResponse<Response>());
    return true;
  }
}
