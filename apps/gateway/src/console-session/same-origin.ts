/** The origin (scheme, host, port) of a URL as browsers write it in Origin, or null when it is none. */
export function originOf(url: string): string | null {
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/**
 * Whether an Origin header is missing or names one of `own`. A browser sends Origin with every
 * cross-site write (and `null` from sandboxes and some redirects, refused here): another
 * site's page can make a browser send a request, and this tells it from the console's own.
 */
export function isOwnOrigin(origin: string | undefined, own: ReadonlyArray<string | null>): boolean {
  if (origin === undefined) return true;
  const sent = originOf(origin);
  return sent !== null && own.includes(sent);
}
