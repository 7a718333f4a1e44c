import { Body, Controller, Delete, Get, Header, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiHeader, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { HttpError, ZodPipe } from '@tripline/service';
import { apiKeyPrefix, ApiKeyVerifier } from '@tripline/tenancy';
import type { Request, Response } from 'express';
import { ZodResponse } from 'nestjs-zod';
import { AdminTokenCheck } from '../admin/admin-token-check';
import { ConsoleSessionCredential } from './console-session-credential';
import { ConsoleSessionDto, SignIn, SignInDto, type ConsoleSessionView } from './console-session.dtos';
import { ConsoleSessionGuard, CurrentSession } from './console-session.guard';
import { ConsoleSessions, type ConsoleSession, type SessionOwner } from './console-sessions';
import { clearedSessionCookie, sessionCookie, sessionCookieValue } from './session-cookie';
import { isSessionToken, tokenDigest } from './session-tokens';

/** No cache keeps an answer that holds a CSRF token (Cache-Control: no-store). */
const view = (session: ConsoleSession): ConsoleSessionView => ({
  kind: session.kind,
  ...(session.tenantId ? { tenantId: session.tenantId } : {}),
  csrfToken: session.csrfToken,
  expiresAt: session.expiresAt.toISOString(),
});

/**
 * The console's sign-in: a tenant with its API key, an operator with the admin token, each
 * judged as the X-API-Key and Authorization headers are (the admin token counts toward the
 * lockout). The browser then holds an HttpOnly cookie instead of the credential; the page keeps
 * only the CSRF token, which is worth nothing without the cookie.
 */
@ApiTags('console')
@Controller('v1/console/session')
export class ConsoleSessionController {
  constructor(
    private readonly sessions: ConsoleSessions,
    private readonly credential: ConsoleSessionCredential,
    private readonly verifier: ApiKeyVerifier,
    private readonly adminToken: AdminTokenCheck,
  ) {}

  /** Signs in: 201 with Set-Cookie tripline_session (HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS). */
  @Post()
  @Header('Cache-Control', 'no-store')
  @ZodResponse({ status: 201, description: 'Signed in; Set-Cookie carries the session (HttpOnly, SameSite=Strict)', type: ConsoleSessionDto })
  async signIn(@Body(new ZodPipe(SignIn)) body: SignInDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<ConsoleSessionView> {
    // Another site's page must not sign a browser in either (to an account of the attacker's).
    this.credential.assertOwnOrigin(req);
    const owner = await this.ownerOf(body, req, res);
    // The browser's previous session, if any, is replaced: end it rather than leave it for retention.
    const previous = sessionCookieValue(req.headers.cookie);
    if (previous && isSessionToken(previous)) await this.sessions.end(tokenDigest(previous));
    const started = await this.sessions.start(owner);
    if (!started) throw new HttpError('unauthorized', 'invalid API key');
    const { token, session } = started;
    res.setHeader('set-cookie', sessionCookie(token, req.secure));
    return view(session);
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  @UseGuards(ConsoleSessionGuard)
  @ApiCookieAuth('consoleSession')
  @ZodResponse({ status: 200, description: 'Who is signed in, with the CSRF token again (for a page reloaded)', type: ConsoleSessionDto })
  current(@CurrentSession() session: ConsoleSession): ConsoleSessionView {
    return view(session);
  }

  /** Signs out: the session ends on the server (its cookie is refused from then on) and the browser forgets it. */
  @Delete()
  @HttpCode(204)
  @UseGuards(ConsoleSessionGuard)
  @ApiCookieAuth('consoleSession')
  @ApiHeader({ name: 'X-CSRF-Token', required: true, description: "The session's csrfToken" })
  @ApiNoContentResponse({ description: 'Signed out; Set-Cookie clears the cookie (Max-Age=0)' })
  async signOut(@CurrentSession() session: ConsoleSession, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.end(session.digest);
    res.setHeader('set-cookie', clearedSessionCookie(req.secure));
  }

  private async ownerOf(body: SignInDto, req: Request, res: Response): Promise<SessionOwner> {
    if (body.adminToken !== undefined) {
      this.adminToken.assert(body.adminToken, req, res);
      return { kind: 'operator' };
    }
    const apiKey = body.apiKey ?? '';
    const tenantId = await this.verifier.tenantFor(apiKey);
    const prefix = apiKeyPrefix(apiKey);
    if (!tenantId || !prefix) throw new HttpError('unauthorized', 'invalid API key');
    return { kind: 'tenant', tenantId, apiKeyPrefix: prefix };
  }
}
