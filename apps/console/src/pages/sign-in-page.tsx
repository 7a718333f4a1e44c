import { type FormEvent, useState } from 'react';
import { asApiError, type ApiError } from '../api/api-error';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { ErrorNotice } from '../components/error-notice';
import { PageHeading } from '../components/page-heading';

export type ConsoleSession = components['schemas']['ConsoleSessionDto_Output'];
type Who = 'tenant' | 'operator';

/**
 * Sign-in with a tenant's API key or the operator's admin token. The credential lives in this
 * form's state only until the gateway has answered: the session is the HttpOnly cookie the
 * answer sets, and the page keeps just its CSRF token.
 */
export function SignInPage({ onSignedIn, notice }: { onSignedIn: (session: ConsoleSession) => void; notice?: string | null }) {
  const [who, setWho] = useState<Who>('tenant');
  const [credential, setCredential] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function signIn(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = who === 'tenant' ? { apiKey: credential } : { adminToken: credential };
      const session = await ok(api.POST('/v1/console/session', { body }));
      setCredential('');
      onSignedIn(session);
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setBusy(false);
    }
  }

  const label = who === 'tenant' ? 'API key' : 'Admin token';
  return (
    <div className="sign-in">
      <p className="brand-plain">Tripline console</p>
      <PageHeading title="Sign in" />
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={signIn} className="card">
        <fieldset>
          <legend>Sign in as</legend>
          <label className="choice">
            <input type="radio" name="who" value="tenant" checked={who === 'tenant'} onChange={() => setWho('tenant')} /> A tenant, with its API key
          </label>
          <label className="choice">
            <input type="radio" name="who" value="operator" checked={who === 'operator'} onChange={() => setWho('operator')} /> The operator, with the admin token
          </label>
        </fieldset>
        <label htmlFor="credential">{label}</label>
        <input
          id="credential"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          value={credential}
          onChange={(e) => setCredential(e.target.value)}
        />
        <p className="hint">
          {who === 'tenant'
            ? 'The key your data platform sends as X-API-Key. The console does not keep it: the gateway opens a session, and signing out ends it.'
            : 'TRIPLINE_ADMIN_TOKEN. Wrong tokens count toward the lockout of this address.'}
        </p>
        <ErrorNotice error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
