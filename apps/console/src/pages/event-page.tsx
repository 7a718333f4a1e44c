import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { asApiError, type ApiError } from '../api/api-error';
import { api, ok } from '../api/client';
import { ErrorNotice } from '../components/error-notice';
import { PageHeading } from '../components/page-heading';
import { Verdicts } from '../components/verdicts';
import { entityKindLabel, type Evaluation, firedSummary, observationSentence } from '../evaluation';
import { formatTime } from '../format';
import { Link } from '../navigation';

/**
 * "Why did (not) my flow fire?" for one event: what happened, what the observation did (for a
 * segment or a measure), then each subscription it could fire: fired, with its delivery, or not,
 * with the reason and its values.
 */
export function EventPage({ eventId }: { eventId: string }) {
  const [evaluation, setEvaluation] = useState<Evaluation | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setEvaluation(await ok(api.GET('/v1/events/{eventId}/evaluation', { params: { path: { eventId } } })));
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setLoading(false);
    }
  }, [eventId]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <>
      <PageHeading title="Event">
        <p className="lead">
          <code className="event-id">{eventId}</code>
        </p>
        <Link to={{ page: 'events', search: {} }}>All events</Link>
      </PageHeading>
      <ErrorNotice error={error} />
      {error?.status === 404 && <p className="hint">An event is here once the evaluator has judged it, a moment after it is sent. Refresh to look again.</p>}
      {(error || evaluation) && (
        <button type="button" onClick={() => void load()} disabled={loading}>
          Refresh
        </button>
      )}
      {loading && !evaluation && !error && (
        <p role="status" className="muted">
          Loading…
        </p>
      )}
      {evaluation && <EventEvaluation evaluation={evaluation} />}
    </>
  );
}

/** One event's evaluation: shown here, and on the Set-up page after a test event. */
export function EventEvaluation({ evaluation }: { evaluation: Evaluation }) {
  const fired = evaluation.subscriptions.some((s) => s.fired);
  return (
    <>
      <section className="card" aria-labelledby="event-facts-heading">
        <h2 id="event-facts-heading">What happened</h2>
        <dl className="facts">
          <Fact term="Type">{evaluation.type}</Fact>
          <Fact term={entityKindLabel(evaluation.entity.kind)}>
            <Link to={{ page: 'events', search: { entityId: evaluation.entity.id } }}>
              <code>{evaluation.entity.id}</code>
              <span className="visually-hidden">: its other events</span>
            </Link>
          </Fact>
          <Fact term="Occurred">{formatTime(evaluation.occurredAt)}</Fact>
          <Fact term="Evaluated">{formatTime(evaluation.evaluatedAt)}</Fact>
          {evaluation.status && <Fact term="Status">{evaluation.status}</Fact>}
          {evaluation.scope && <Fact term="Scope">{evaluation.scope}</Fact>}
          {evaluation.runTrigger && <Fact term="Run started">{evaluation.runTrigger}</Fact>}
          <Fact term="Matched against">{evaluation.trigger ?? 'no trigger'}</Fact>
        </dl>
        {evaluation.trigger === null && <p className="hint">No trigger fires on this event as it is (a refresh still retrying, a partial refresh), so no subscription could fire.</p>}
        {evaluation.observation && <Observation observation={evaluation.observation} />}
      </section>
      <section aria-labelledby="event-verdicts-heading">
        <h2 id="event-verdicts-heading">Subscriptions</h2>
        <p role="status" className={fired ? 'summary summary-fired' : 'summary summary-none'}>
          <span aria-hidden="true">{fired ? '✓ ' : '✗ '}</span>
          {firedSummary(evaluation)}
        </p>
        {evaluation.subscriptions.length === 0 && (
          <p className="muted">
            The tenant has no subscription to the triggers this kind of event fires. <Link to={{ page: 'subscriptions' }}>See the subscriptions</Link>.
          </p>
        )}
        <Verdicts verdicts={evaluation.subscriptions} />
        {evaluation.subscriptionsTruncated && <p className="hint">The first 1000 subscriptions are listed, those it fired first.</p>}
      </section>
    </>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Observation({ observation }: { observation: NonNullable<Evaluation['observation']> }) {
  return (
    <div className="observation">
      <dl className="observation-values">
        <div>
          <dt>Previous value</dt>
          <dd>
            <mark>{observation.previous === null ? 'none' : observation.previous}</mark>
          </dd>
        </div>
        <div>
          <dt>New value</dt>
          <dd>
            <mark>{observation.value}</mark>
          </dd>
        </div>
      </dl>
      <p>{observationSentence(observation)}</p>
    </div>
  );
}
