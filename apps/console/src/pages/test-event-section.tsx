import { type FormEvent, useEffect, useRef, useState } from 'react';
import { asApiError, type ApiError } from '../api/api-error';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { ErrorNotice } from '../components/error-notice';
import { Verdicts } from '../components/verdicts';
import { EVENT_TYPES, type Evaluation, type EventType, firedSummary } from '../evaluation';
import { formatTime } from '../format';
import { Link } from '../navigation';

type Sent = components['schemas']['TestEventSentDto_Output'];
type TestEventRequest = components['schemas']['TestEventRequestDto'];
type Status = NonNullable<TestEventRequest['status']>;

/** How long the page waits for the evaluator, and how often it looks. */
export const WAIT_MS = 30_000;
const POLL_MS = 1_000;

/** What each type of sample lets the user choose, and what the gateway takes when it is left empty. */
const CHOICES: Record<EventType, { entity: string; entityDefault: string; value?: { label: string; integer: boolean; placeholder: string }; statuses?: Status[]; status?: Status }> = {
  'datasource.refresh.completed': {
    entity: 'Data source id',
    entityDefault: 'test-data-source',
    statuses: ['failed', 'succeeded', 'timed_out', 'skipped', 'retrying'],
    status: 'failed',
  },
  'segment.refreshed': { entity: 'Segment id', entityDefault: 'test-segment', value: { label: 'Member count', integer: true, placeholder: '100' } },
  'measure.refreshed': { entity: 'Measure id', entityDefault: 'test-measure', value: { label: 'Value', integer: false, placeholder: '1' } },
  'refresh.completed': {
    entity: 'Run id',
    entityDefault: 'a new test-run-… id',
    statuses: ['succeeded', 'partially_succeeded', 'failed', 'timed_out', 'cancelled'],
    status: 'succeeded',
  },
  'unification.completed': {
    entity: 'Run id',
    entityDefault: 'a new test-run-… id',
    statuses: ['succeeded', 'partially_succeeded', 'failed', 'timed_out', 'cancelled'],
    status: 'succeeded',
  },
};

type TestRun =
  | { phase: 'idle' }
  | { phase: 'sending' }
  | { phase: 'waiting'; sent: Sent }
  | { phase: 'evaluated'; sent: Sent; evaluation: Evaluation }
  | { phase: 'timed-out'; sent: Sent }
  /** Sent, but looking for its evaluation failed (the error says why). */
  | { phase: 'unknown'; sent: Sent };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Set up → Send a test event: a sample event of a type for this tenant, through the same
 * pipeline as a real one (the gateway puts it on the ingest topic), then which subscriptions
 * it fired. The page looks for it among the entity's evaluated events once a second (a list
 * read, which answers 200 while the event is on its way, where its evaluation would answer 404)
 * and gives up after WAIT_MS, saying where to look later.
 */
export function TestEventSection() {
  const [run, setRun] = useState<TestRun>({ phase: 'idle' });
  const [error, setError] = useState<ApiError | null>(null);
  // Each send, and leaving the page, ends the wait of the one before.
  const generation = useRef(0);
  useEffect(() => () => void generation.current++, []);

  async function send(request: TestEventRequest) {
    const mine = ++generation.current;
    const current = () => mine === generation.current;
    setError(null);
    setRun({ phase: 'sending' });
    try {
      const sent = await ok(api.POST('/v1/console/test-events', { body: request }));
      if (!current()) return;
      setRun({ phase: 'waiting', sent });
      const deadline = Date.now() + WAIT_MS;
      for (;;) {
        const page = await ok(api.GET('/v1/events', { params: { query: { entityId: sent.entity.id, type: sent.type, limit: 20 } } }));
        if (!current()) return;
        if (page.events.some((e) => e.eventId === sent.eventId)) {
          const evaluation = await ok(api.GET('/v1/events/{eventId}/evaluation', { params: { path: { eventId: sent.eventId } } }));
          if (current()) setRun({ phase: 'evaluated', sent, evaluation });
          return;
        }
        if (Date.now() >= deadline) return setRun({ phase: 'timed-out', sent });
        await sleep(POLL_MS);
        if (!current()) return;
      }
    } catch (failure) {
      if (!current()) return;
      setError(asApiError(failure));
      setRun((shown) => (shown.phase === 'waiting' ? { phase: 'unknown', sent: shown.sent } : { phase: 'idle' }));
    }
  }

  const busy = run.phase === 'sending' || run.phase === 'waiting';
  return (
    <section aria-labelledby="test-event-heading" className="card">
      <h2 id="test-event-heading">Send a test event</h2>
      <p>
        Sends a sample event of a type for this tenant, as the data platform would, and shows which subscriptions it fires. It goes through the same checks and rules as a real
        event, and the flows it fires run: its id starts with <code>test-</code>, which a flow can check.
      </p>
      <TestEventForm busy={busy} onSend={(request) => void send(request)} />
      <ErrorNotice error={error} />
      <TestRunOutcome run={run} />
    </section>
  );
}

function TestEventForm({ busy, onSend }: { busy: boolean; onSend: (request: TestEventRequest) => void }) {
  const [type, setType] = useState<EventType>('datasource.refresh.completed');
  const [entityId, setEntityId] = useState('');
  const [value, setValue] = useState('');
  const [status, setStatus] = useState<Status | ''>('');
  const choice = CHOICES[type];

  function choose(next: EventType) {
    setType(next);
    setValue('');
    setStatus('');
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    const request: TestEventRequest = { type };
    if (entityId.trim()) request.entityId = entityId.trim();
    // Whether it fits (a member count is a whole number, at least 0) is the gateway's to say, naming the field.
    if (choice.value && value.trim() !== '') request.value = Number(value);
    if (choice.statuses) request.status = status || choice.status;
    onSend(request);
  }

  return (
    <form className="stacked-form" onSubmit={submit} aria-label="Test event">
      <label htmlFor="test-event-type">Event type</label>
      <select id="test-event-type" value={type} onChange={(e) => choose(e.target.value as EventType)} aria-describedby="test-event-type-hint">
        {EVENT_TYPES.map((t) => (
          <option key={t.type} value={t.type}>
            {t.type}
          </option>
        ))}
      </select>
      <p className="hint" id="test-event-type-hint">
        {EVENT_TYPES.find((t) => t.type === type)?.label}.
      </p>
      <label htmlFor="test-event-entity">{choice.entity} (optional)</label>
      <input id="test-event-entity" value={entityId} onChange={(e) => setEntityId(e.target.value)} spellCheck={false} aria-describedby="test-event-entity-hint" />
      <p className="hint" id="test-event-entity-hint">
        Empty: {choice.entityDefault}. Name one a subscription watches to test it; the event then counts as that entity's latest, as a real one would.
      </p>
      {choice.value && (
        <>
          <label htmlFor="test-event-value">{choice.value.label}</label>
          <input
            id="test-event-value"
            type="number"
            inputMode={choice.value.integer ? 'numeric' : 'decimal'}
            step={choice.value.integer ? 1 : 'any'}
            min={choice.value.integer ? 0 : undefined}
            placeholder={choice.value.placeholder}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        </>
      )}
      {choice.statuses && (
        <>
          <label htmlFor="test-event-status">Status</label>
          <select id="test-event-status" value={status || choice.status} onChange={(e) => setStatus(e.target.value as Status)}>
            {choice.statuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </>
      )}
      <button type="submit" className="primary" disabled={busy}>
        Send the test event
      </button>
    </form>
  );
}

function TestRunOutcome({ run }: { run: TestRun }) {
  switch (run.phase) {
    case 'idle':
      return null;
    case 'sending':
      return (
        <p role="status" className="notice">
          Sending…
        </p>
      );
    case 'waiting':
      return (
        <p role="status" className="notice notice-waiting">
          Sent <code>{run.sent.eventId}</code>. Waiting for the evaluator to judge it (up to {WAIT_MS / 1000} s)…
        </p>
      );
    case 'timed-out':
      return (
        <div role="status" className="notice notice-error">
          <p>
            Sent <code>{run.sent.eventId}</code>, but it was not evaluated within {WAIT_MS / 1000} s: ingestion or the evaluator may be behind, or stopped. It is not lost; look
            for it later on <Link to={{ page: 'event', eventId: run.sent.eventId }}>its event page</Link>.
          </p>
        </div>
      );
    case 'unknown':
      return (
        <p className="notice">
          Sent <code>{run.sent.eventId}</code>; the page could not look for its evaluation. Look for it later on{' '}
          <Link to={{ page: 'event', eventId: run.sent.eventId }}>its event page</Link>.
        </p>
      );
    case 'evaluated': {
      const fired = run.evaluation.subscriptions.some((s) => s.fired);
      return (
        <div className="test-outcome">
          <p role="status" className={fired ? 'summary summary-fired' : 'summary summary-none'}>
            <span aria-hidden="true">{fired ? '✓ ' : '✗ '}</span>
            {firedSummary(run.evaluation)}
          </p>
          <p className="hint">
            Test event <code className="event-id">{run.sent.eventId}</code>, evaluated {formatTime(run.evaluation.evaluatedAt)}.
          </p>
          <Verdicts verdicts={run.evaluation.subscriptions} />
          <p>
            <Link to={{ page: 'event', eventId: run.sent.eventId }}>Open the test event</Link>
          </p>
        </div>
      );
    }
  }
}
