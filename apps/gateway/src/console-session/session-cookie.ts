/**
 * The console session's cookie, read and written here and nowhere else.
 *
 * Not the `cookie` package: its 2.x is an ES module only and declares Node >= 22, while the
 * project runs on ^20.19 (test/engines.spec.ts), compiles to CommonJS with moduleResolution
 * "node" (which cannot see its types) and tests with Jest, which cannot require it on Node
 * below 24.9. One cookie of a fixed form needs little: its value is 43 base64url characters
 * (never quoted nor percent-encoded), and anything else is refused as a malformed session.
 */
export const SESSION_COOKIE = 'tripline_session';

/**
 * The session cookie's value in a Cookie header, or undefined. As browsers and the `cookie`
 * package read it: pairs split on ";", names and values trimmed, the first of a name wins
 * (the one of the longest path comes first).
 */
export function sessionCookieValue(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === SESSION_COOKIE) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

const attributes = (secure: boolean) => `Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;

/**
 * Set-Cookie for a session: HttpOnly (no script reads it, an injected one neither), SameSite=Strict
 * (no other site's page makes the browser send it), the whole gateway (Path=/), Secure over HTTPS.
 * No Max-Age: the browser drops it when it closes; the server ends the session sooner or later anyway.
 */
export function sessionCookie(token: string, secure: boolean): string {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new Error('a session token is base64url');
  return `${SESSION_COOKIE}=${token}; ${attributes(secure)}`;
}

/** Set-Cookie that makes the browser forget the session's cookie at once. */
export const clearedSessionCookie = (secure: boolean): string => `${SESSION_COOKIE}=; Max-Age=0; ${attributes(secure)}`;
