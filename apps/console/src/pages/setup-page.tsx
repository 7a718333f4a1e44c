import { useEffect, useState } from 'react';
import { asApiError, type ApiError } from '../api/api-error';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { CopyField } from '../components/copy-field';
import { ErrorNotice } from '../components/error-notice';
import { PageHeading } from '../components/page-heading';
import { ApiKeysSection } from './api-keys-section';
import { TestEventSection } from './test-event-section';
import type { ConsoleSession } from './sign-in-page';

type Instance = components['schemas']['ConsoleInstanceDto_Output'];

/** The connector package, as the gateway serves it (apps/gateway/src/connector). */
const CONNECTOR_PACKAGE_PATH = '/v1/connector/power-automate.zip';

/**
 * Admin → Export destinations → Power Automate → Set up: connecting flows to this instance,
 * step by step, with its own address filled in, and the API keys a connection signs in with.
 */
export function SetupPage({ onSessionRenewed }: { onSessionRenewed: (session: ConsoleSession) => void }) {
  const [instance, setInstance] = useState<Instance | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    ok(api.GET('/v1/console/instance')).then(setInstance, (failure: unknown) => setError(asApiError(failure)));
  }, []);

  return (
    <>
      <PageHeading title="Set up Power Automate">
        <p className="lead">Export destinations → Power Automate: start flows when this data platform's refreshes fail or succeed, thresholds are crossed, or runs complete.</p>
      </PageHeading>
      <ErrorNotice error={error} />
      <ol className="steps">
        <li className="card">
          <h2>Download the connector</h2>
          <p>The custom connector package for this instance: its definition, properties, icon and readme.</p>
          <a className="button primary" href={CONNECTOR_PACKAGE_PATH} download>
            Download the connector package (.zip)
          </a>
        </li>
        <li className="card">
          <h2>Create the custom connector</h2>
          <p>
            Unzip the package and create the connector in your Power Automate environment with Microsoft's <code>paconn</code> command-line tool:
          </p>
          <pre>
            <code>{'paconn login\npaconn create --api-def apiDefinition.swagger.json --api-prop apiProperties.json --icon icon.png'}</code>
          </pre>
        </li>
        <li className="card">
          <h2>Create a connection</h2>
          <p>When Power Automate asks for the connection's parameters, give it this instance's address and an API key from below.</p>
          {instance ? (
            <>
              <CopyField label="Instance URL" value={instance.publicUrl} />
              <InstanceUrlAdvice instance={instance} />
            </>
          ) : (
            !error && <p className="muted">Loading this instance's address…</p>
          )}
        </li>
        <li className="card">
          <h2>Build a flow</h2>
          <p>
            Start a flow with one of the connector's triggers, for example <em>When a data source refresh fails</em>. Saving the flow subscribes it: it then appears under
            Subscriptions, with every callback under its deliveries. Send it a test event below to see it fire; Events tells why an event fired a flow or did not.
          </p>
        </li>
      </ol>
      <TestEventSection />
      <ApiKeysSection onSessionRenewed={onSessionRenewed} />
    </>
  );
}

function InstanceUrlAdvice({ instance }: { instance: Instance }) {
  const advice: string[] = [];
  if (instance.publicUrlSource === 'request') {
    advice.push('This is the address you opened the console at, as TRIPLINE_PUBLIC_URL is not set; set it if Power Automate reaches this gateway at another.');
  }
  if (!instance.publicUrl.startsWith('https://')) advice.push('Power Automate calls only https addresses reachable from the internet: put the gateway behind one before connecting a flow.');
  if (advice.length === 0) return null;
  return (
    <ul className="hint">
      {advice.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}
