import { useEffect, useState } from 'react';
import { apiError, asApiError, type ApiError, unreachable } from './api/api-error';
import { actFor, api, heldCsrfToken, holdSession, ok, onSessionEnded } from './api/client';
import { ErrorNotice } from './components/error-notice';
import { Link, navigate, useRoute } from './navigation';
import { DeliveriesPage } from './pages/deliveries-page';
import { EventPage } from './pages/event-page';
import { EventsPage } from './pages/events-page';
import { OperationsPage } from './pages/operations-page';
import { PlatformStatePage } from './pages/platform-state-page';
import { SetupPage } from './pages/setup-page';
import { type ConsoleSession, SignInPage } from './pages/sign-in-page';
import { SubscriptionsPage } from './pages/subscriptions-page';
import { TenantPage } from './pages/tenant-page';
import type { Route } from './routes';

/** undefined: not known yet (the page just loaded); null: signed out. */
type SessionState = ConsoleSession | null | undefined;

export function App() {
  const route = useRoute();
  const [session, setSession] = useState<SessionState>(undefined);
  const [actingFor, setActingFor] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const signedIn = (next: ConsoleSession) => {
    holdSession(next.csrfToken);
    setNotice(null);
    setActingFor(null);
    setSession(next);
  };
  /** The same tenant, signed in again (with its rotated key): the page stays as it is. */
  const renewed = (next: ConsoleSession) => {
    holdSession(next.csrfToken);
    setSession(next);
  };
  const signedOut = (why: string | null) => {
    holdSession(null);
    setActingFor(null);
    setNotice(why);
    setSession(null);
  };

  useEffect(() => {
    onSessionEnded(() => signedOut('Your session ended (it expired, or was ended elsewhere): sign in again.'));
    // A reloaded page still has its cookie, if the session lives: this gives its CSRF token back.
    api.GET('/v1/console/session').then(
      ({ data, error: body, response }) => {
        if (data) signedIn(data);
        else if (response.status === 401) signedOut(null);
        else setError(apiError(response.status, body));
      },
      (failure: unknown) => setError(unreachable(failure)),
    );
  }, []);

  async function signOut() {
    setError(null);
    try {
      await ok(api.DELETE('/v1/console/session', { params: { header: { 'X-CSRF-Token': heldCsrfToken() ?? '' } } }));
    } catch (failure) {
      // Already ended on the server is as good as ended now; anything else, say so and stay.
      const refused = asApiError(failure);
      if (refused.status !== 401) return setError(refused);
    }
    signedOut('Signed out.');
    // Whoever signs in next starts at the beginning (a session that expired keeps its page instead, to come back to).
    navigate({ page: 'setup' });
  }

  const chooseTenant = (tenantId: string) => {
    actFor(tenantId);
    setActingFor(tenantId);
    navigate({ page: 'setup' });
  };

  if (session === undefined) {
    return (
      <main id="main">
        {error ? <ErrorNotice error={error} /> : <p className="muted">Loading…</p>}
      </main>
    );
  }
  if (session === null) {
    return (
      <main id="main">
        <SignInPage onSignedIn={signedIn} notice={notice} />
      </main>
    );
  }
  const shown = shownPage(route, session, actingFor);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to the page
      </a>
      <Header session={session} actingFor={actingFor} shown={shown} onSignOut={signOut} />
      <main id="main">
        <ErrorNotice error={error} />
        <Page route={route} shown={shown} actingFor={actingFor} onActFor={chooseTenant} onSessionRenewed={renewed} />
      </main>
    </>
  );
}

/**
 * The page shown: the route's, but an operator picks a tenant first (until then the tenant routes
 * have no one to answer for); Operations is no tenant's, and is the operator's alone.
 */
function shownPage(route: Route, session: ConsoleSession, actingFor: string | null): Route['page'] {
  if (route.page === 'operations') return session.kind === 'operator' ? 'operations' : 'not-found';
  return session.kind === 'operator' && (route.page === 'tenant' || actingFor === null) ? 'tenant' : route.page;
}

function Page(props: { route: Route; shown: Route['page']; actingFor: string | null; onActFor: (tenantId: string) => void; onSessionRenewed: (session: ConsoleSession) => void }) {
  const { route, shown, actingFor, onActFor } = props;
  if (shown === 'tenant') return <TenantPage actingFor={actingFor} onActFor={onActFor} />;
  if (shown === 'operations') return <OperationsPage />;
  switch (route.page) {
    case 'setup':
    case 'tenant':
      return <SetupPage onSessionRenewed={props.onSessionRenewed} />;
    case 'subscriptions':
      return <SubscriptionsPage />;
    case 'platform':
      return <PlatformStatePage />;
    case 'deliveries':
      return <DeliveriesPage filter={route.filter} />;
    case 'events':
      return <EventsPage search={route.search} />;
    case 'event':
      return <EventPage key={route.eventId} eventId={route.eventId} />;
    case 'operations':
      return (
        <>
          <h1>Operations</h1>
          <p>This page is the operator&apos;s: sign in with the admin token to see the services and the dead letters.</p>
        </>
      );
    case 'not-found':
      return (
        <>
          <h1>No such page</h1>
          <p>
            Nothing is at <code>{route.path}</code>. <Link to={{ page: 'setup' }}>Go to Set up</Link>.
          </p>
        </>
      );
  }
}

function Header({ session, actingFor, shown, onSignOut }: { session: ConsoleSession; actingFor: string | null; shown: Route['page']; onSignOut: () => void }) {
  const at = (page: Route['page']) => shown === page || (page === 'events' && shown === 'event');
  return (
    <header className="site-header">
      <p className="brand">Tripline</p>
      <nav aria-label="Console">
        <ul>
          <li>
            <Link to={{ page: 'setup' }} current={at('setup')}>
              Set up
            </Link>
          </li>
          <li>
            <Link to={{ page: 'subscriptions' }} current={at('subscriptions')}>
              Subscriptions
            </Link>
          </li>
          <li>
            <Link to={{ page: 'deliveries', filter: {} }} current={at('deliveries')}>
              Deliveries
            </Link>
          </li>
          <li>
            <Link to={{ page: 'events', search: {} }} current={at('events')}>
              Events
            </Link>
          </li>
          <li>
            <Link to={{ page: 'platform' }} current={at('platform')}>
              Platform state
            </Link>
          </li>
          {session.kind === 'operator' && (
            <>
              <li>
                <Link to={{ page: 'tenant' }} current={at('tenant')}>
                  Tenant
                </Link>
              </li>
              <li>
                <Link to={{ page: 'operations' }} current={at('operations')}>
                  Operations
                </Link>
              </li>
            </>
          )}
        </ul>
      </nav>
      <div className="who">
        <span>
          {session.kind === 'operator' ? (
            <>Operator{actingFor ? <>, for <code title={actingFor}>{actingFor.slice(0, 8)}</code></> : ''}</>
          ) : (
            <>
              Tenant <code title={session.tenantId}>{session.tenantId?.slice(0, 8)}</code>
            </>
          )}
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
