/** What stands in for every hidden part of a URL. */
export const REDACTED = 'REDACTED';

/**
 * A callback URL as it may be shown (API answers, logs): every query value, any user info and
 * the fragment replaced by REDACTED; scheme, host, port, path and query parameter names kept.
 *
 * Every value, not a list of known names: Power Automate's `sig=` starts the flow, and other
 * receivers put their tokens in parameters of any name (`token=`, `code=`, `key=`). A query part
 * without `=` may be a token on its own, so it is replaced whole. The path is kept so that a
 * user can tell their subscriptions apart; a receiver that puts its token in the path (Slack,
 * Discord, Teams incoming webhooks) still shows it.
 */
export function redactUrl(url: string): string {
  const u = new URL(url);
  const userinfo = u.username || u.password ? `${REDACTED}@` : '';
  const query = u.search
    ? `?${u.search
        .slice(1)
        .split('&')
        .map((part) => (part.includes('=') ? `${part.slice(0, part.indexOf('='))}=${REDACTED}` : part === '' ? '' : REDACTED))
        .join('&')}`
    : '';
  const fragment = u.hash ? `#${REDACTED}` : '';
  return `${u.protocol}//${userinfo}${u.host}${u.pathname}${query}${fragment}`;
}
