import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { asApiError, type ApiError } from '../api/api-error';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { useAction } from '../action';
import { ConfirmButton } from '../components/confirm-button';
import { ActionOutcome } from '../components/action-outcome';
import { ErrorNotice } from '../components/error-notice';
import { ListToolbar } from '../components/list-toolbar';
import { PageHeading } from '../components/page-heading';
import { formatBytes, formatTime } from '../format';
import { usePaged } from '../paged';

type Service = components['schemas']['ServicesAnswerDto_Output']['services'][number];
type DeadLetter = components['schemas']['DeadLettersPageDto_Output']['deadLetters'][number];
type Filter = { source: string; reason: string; tenantId: string };

const PAGE_SIZE = 20;
/** The topics services consume (docs/architecture.md, topic map): the source filter's suggestions. */
const CONSUMED_TOPICS = [
  'tripline.ingest.v1',
  'tripline.events.v1',
  'tripline.registry-requests.v1',
  'tripline.registry-replies.v1',
  'tripline.subscriptions.v1',
  'tripline.deliveries.v1',
  'tripline.delivery-outcomes.v1',
  'tripline.dispatcher-requests.v1',
  'tripline.dispatcher-replies.v1',
  'tripline.operations.v1',
  'tripline.dead-letters.v1',
];

/**
 * The operator's view of the running system: each service's readiness, and the dead letters
 * (messages a consumer refused), filtered and paged, each with its original bytes and a replay
 * to its source topic once its cause is fixed.
 */
export function OperationsPage() {
  return (
    <>
      <PageHeading title="Operations">
        <p className="lead">Each service&apos;s readiness, and the messages consumers could not accept.</p>
      </PageHeading>
      <ServicesSection />
      <DeadLettersSection />
    </>
  );
}

function ServicesSection() {
  const [services, setServices] = useState<Service[] | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const refresh = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setServices((await ok(api.GET('/v1/admin/services'))).services);
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => void refresh(), [refresh]);

  const up = services?.filter((s) => s.status === 'up').length ?? 0;
  return (
    <section aria-labelledby="services-heading" className="card">
      <h2 id="services-heading">Services</h2>
      <div className="toolbar">
        <p role="status">
          {loading ? 'Checking…' : services ? `${up} of ${services.length} ready, checked ${formatTime(services[0]?.checkedAt)}.` : 'Not checked.'}
        </p>
        <button type="button" onClick={() => void refresh()} disabled={loading}>
          Refresh
        </button>
      </div>
      <ErrorNotice error={error} />
      {services && (
        <table className="list services">
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Readiness</th>
              <th scope="col">Answered in</th>
              <th scope="col">Detail</th>
              <th scope="col">Asked at</th>
            </tr>
          </thead>
          <tbody>
            {services.map((service) => (
              <tr key={service.name} className={service.status === 'up' ? undefined : 'attention'}>
                <th scope="row" data-label="Service">
                  {service.name}
                </th>
                <td data-label="Readiness">
                  <span className={`badge badge-${service.status}`}>{service.status}</span>
                </td>
                <td data-label="Answered in">{service.latencyMs} ms</td>
                <td data-label="Detail">{service.detail ?? <span className="muted">{checksText(service.checks)}</span>}</td>
                <td data-label="Asked at">
                  <code>{service.url}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function checksText(checks: Record<string, boolean> | null): string {
  return checks ? Object.keys(checks).join(', ') + ': ok' : '—';
}

function DeadLettersSection() {
  const [filter, setFilter] = useState<Filter>({ source: '', reason: '', tenantId: '' });
  const [draft, setDraft] = useState<Filter>(filter);
  const list = usePaged(async (cursor) => {
    const query = { source: filter.source || undefined, reason: filter.reason || undefined, tenantId: filter.tenantId || undefined, limit: PAGE_SIZE, cursor };
    const page = await ok(api.GET('/v1/admin/dead-letters', { params: { query } }));
    return { items: page.deadLetters, nextCursor: page.nextCursor };
  }, JSON.stringify(filter));
  const action = useAction();

  function apply(event: FormEvent) {
    event.preventDefault();
    setFilter({ source: draft.source.trim(), reason: draft.reason.trim(), tenantId: draft.tenantId.trim() });
  }

  const replay = (letter: DeadLetter) =>
    action.run(async () => {
      const answer = await ok(api.POST('/v1/admin/dead-letters/{id}/replay', { params: { path: { id: letter.id } }, body: { force: letter.replayedAt !== null } }));
      list.setItems((shown) => shown.map((l) => (l.id === letter.id ? { ...l, replayedAt: answer.replayedAt, replayCount: answer.replayCount } : l)));
      const to = answer.republished;
      return `Republished ${formatBytes(to.bytes)} to ${to.topic}, partition ${to.partition}, offset ${to.offset}. If its cause is still there, it comes back as a new dead letter.`;
    });

  return (
    <section aria-labelledby="dead-letters-heading" className="card">
      <h2 id="dead-letters-heading">Dead letters</h2>
      <p className="hint">
        Messages a consumer refused (not JSON, not its contract, or refused for good), newest first. Fix the cause, then replay one: its original bytes go back to the
        topic it came from.
      </p>
      <form onSubmit={apply} className="filters" aria-label="Filter the dead letters">
        <div>
          <label htmlFor="dl-source">Source topic</label>
          <input id="dl-source" list="dl-topics" spellCheck={false} value={draft.source} onChange={(e) => setDraft({ ...draft, source: e.target.value })} placeholder="any" />
          <datalist id="dl-topics">
            {CONSUMED_TOPICS.map((topic) => (
              <option key={topic} value={topic} />
            ))}
          </datalist>
        </div>
        <div>
          <label htmlFor="dl-reason">Reason contains</label>
          <input id="dl-reason" value={draft.reason} onChange={(e) => setDraft({ ...draft, reason: e.target.value })} placeholder="any" />
        </div>
        <div>
          <label htmlFor="dl-tenant">Tenant id</label>
          <input id="dl-tenant" spellCheck={false} value={draft.tenantId} onChange={(e) => setDraft({ ...draft, tenantId: e.target.value })} placeholder="any" />
        </div>
        <button type="submit" disabled={list.loading}>
          Show
        </button>
      </form>
      <ListToolbar list={list} shown={`${list.items.length} dead ${list.items.length === 1 ? 'letter' : 'letters'} shown${list.hasMore ? ' (more to load)' : ''}.`} />
      <ActionOutcome error={list.error ?? action.error} done={action.done} />
      {list.items.map((letter) => (
        <DeadLetterCard key={letter.id} letter={letter} busy={action.busy} onReplay={() => void replay(letter)} />
      ))}
      {!list.loading && list.items.length === 0 && !list.error && <p className="muted">No dead letters{filter.source || filter.reason || filter.tenantId ? ' match these filters' : ''}.</p>}
      {list.hasMore && (
        <button type="button" onClick={list.loadMore} disabled={list.loading}>
          More dead letters
        </button>
      )}
    </section>
  );
}

function DeadLetterCard({ letter, busy, onReplay }: { letter: DeadLetter; busy: boolean; onReplay: () => void }) {
  const headingId = `dead-letter-${letter.id}`;
  const where = `${letter.source.topic}, partition ${letter.source.partition}, offset ${letter.source.offset}`;
  return (
    <article className="card dead-letter" aria-labelledby={headingId}>
      <header className="delivery-header">
        <h3 id={headingId}>
          <code>{letter.source.topic}</code> @ {letter.source.partition}/{letter.source.offset}
        </h3>
        {letter.replayedAt && <span className="badge badge-replayed">replayed{letter.replayCount > 1 ? ` ×${letter.replayCount}` : ''}</span>}
      </header>
      <p className="reason">{letter.reason}</p>
      {letter.issues.length > 0 && (
        <ul className="issues">
          {letter.issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              <code>{issue.path || '(message)'}</code>: {issue.message}
            </li>
          ))}
        </ul>
      )}
      <dl className="facts">
        <div>
          <dt>Failed</dt>
          <dd>{formatTime(letter.failedAt)}</dd>
        </div>
        <div>
          <dt>Refused by</dt>
          <dd>
            <code>{letter.source.consumerGroup}</code>
          </dd>
        </div>
        <div>
          <dt>Tenant</dt>
          <dd>{letter.tenantId ? <code>{letter.tenantId}</code> : 'none named'}</dd>
        </div>
        <div>
          <dt>Key</dt>
          <dd>{letter.key === null ? 'none' : <code>{letter.key}</code>}</dd>
        </div>
        <div>
          <dt>Value</dt>
          <dd>
            {formatBytes(letter.payload.bytes)}
            {letter.payload.truncated && ' (first 64 KiB kept)'}
          </dd>
        </div>
        {letter.replayedAt && (
          <div>
            <dt>Replayed</dt>
            <dd>{formatTime(letter.replayedAt)}</dd>
          </div>
        )}
      </dl>
      <details>
        <summary>Original bytes</summary>
        {letter.payload.text !== null && (
          <>
            <p className="hint">As text (UTF-8):</p>
            <pre className="payload" tabIndex={0}>
              {letter.payload.text}
            </pre>
          </>
        )}
        <p className="hint">{letter.payload.text === null ? 'Not valid UTF-8; base64:' : 'Base64:'}</p>
        <pre className="payload" tabIndex={0}>
          {letter.payload.base64 ?? '(no value)'}
        </pre>
      </details>
      {letter.replayable ? (
        <ConfirmButton
          label={letter.replayedAt ? 'Replay again' : 'Replay'}
          accessibleLabel={`Replay the message from ${where}`}
          question={letter.replayedAt ? 'Replay this message a second time?' : 'Replay this message?'}
          confirm="Republish"
          disabled={busy}
          onConfirm={onReplay}
        >
          <p>
            Its original {formatBytes(letter.payload.bytes)}
            {letter.key === null ? ', with no key,' : (
              <>
                {' '}with key <code>{letter.key}</code>
              </>
            )}{' '}
            will be published again to <code>{letter.source.topic}</code>, where its consumers read it afresh.
          </p>
          {letter.replayedAt ? (
            <p className="reason">It was replayed at {formatTime(letter.replayedAt)} already: its consumer gets the same message once more.</p>
          ) : (
            <p className="hint">Fix what refused it first, or it comes back as a new dead letter.</p>
          )}
        </ConfirmButton>
      ) : (
        <p className="muted">Cannot be replayed: {letter.payload.truncated ? 'only part of its bytes were kept.' : letter.payload.base64 === null ? 'it had no value.' : 'its topic is not one of this deployment.'}</p>
      )}
    </article>
  );
}
