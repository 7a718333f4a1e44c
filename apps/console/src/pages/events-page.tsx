import { type FormEvent, useState } from 'react';
import { api, ok } from '../api/client';
import { ErrorNotice } from '../components/error-notice';
import { ListToolbar } from '../components/list-toolbar';
import { PageHeading } from '../components/page-heading';
import { entityKindLabel, EVENT_TYPES, type EventType } from '../evaluation';
import { formatTime } from '../format';
import { Link, navigate } from '../navigation';
import { usePaged } from '../paged';
import type { EventSearch } from '../routes';

const PAGE_SIZE = 25;
const isEventType = (type: string | undefined): type is EventType => EVENT_TYPES.some((t) => t.type === type);

/**
 * The tenant's evaluated events, newest evaluation first, a page at a time: all of them, or
 * those about one entity (a data source, segment or measure id, or a run id) and of one type.
 * The search is in the address (/events?entityId=…), so Back from an event returns to it.
 */
export function EventsPage({ search }: { search: EventSearch }) {
  const type = isEventType(search.type) ? search.type : undefined;
  const list = usePaged(
    async (cursor) => {
      const page = await ok(api.GET('/v1/events', { params: { query: { entityId: search.entityId, type, limit: PAGE_SIZE, cursor } } }));
      return { items: page.events, nextCursor: page.nextCursor };
    },
    `${search.entityId ?? ''}|${type ?? ''}`,
  );
  const filtered = Boolean(search.entityId || type);

  return (
    <>
      <PageHeading title="Events">
        <p className="lead">Why did (not) my flow fire? Open an event to see which subscriptions it fired, and why each other one did not.</p>
      </PageHeading>
      <div className="finders">
        <SearchForm key={`${search.entityId ?? ''}|${type ?? ''}`} search={{ entityId: search.entityId, type }} />
        <OpenForm />
      </div>
      <ListToolbar
        list={list}
        shown={`${list.items.length} ${list.items.length === 1 ? 'event' : 'events'} shown${filtered ? ` about ${[search.entityId, type].filter(Boolean).join(', ')}` : ''}${list.hasMore ? ' (more to load)' : ''}.`}
      />
      <ErrorNotice error={list.error} />
      {list.items.length > 0 && (
        <table className="list events">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Type</th>
              <th scope="col">About</th>
              <th scope="col">Evaluated</th>
              <th scope="col">Fired</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((event) => (
              <tr key={event.eventId}>
                <th scope="row" data-label="Event">
                  <Link to={{ page: 'event', eventId: event.eventId }}>
                    <code>{event.eventId}</code>
                  </Link>
                </th>
                <td data-label="Type">{event.type}</td>
                <td data-label="About">
                  {entityKindLabel(event.entity.kind)} <code>{event.entity.id}</code>
                </td>
                <td data-label="Evaluated">{formatTime(event.evaluatedAt)}</td>
                <td data-label="Fired">
                  {event.fired > 0 ? (
                    <span className="badge badge-fired">
                      <span aria-hidden="true">✓ </span>
                      {event.fired === 1 ? '1 subscription' : `${event.fired} subscriptions`}
                    </span>
                  ) : (
                    <span className="badge badge-none">nothing</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!list.loading && list.items.length === 0 && !list.error && (
        <p className="muted">
          {filtered ? 'No evaluated event matches.' : 'No events evaluated yet.'} Send a test event from <Link to={{ page: 'setup' }}>Set up</Link> to see one here.
        </p>
      )}
      {list.hasMore && (
        <button type="button" onClick={list.loadMore} disabled={list.loading}>
          More events
        </button>
      )}
    </>
  );
}

function SearchForm({ search }: { search: EventSearch }) {
  const [entityId, setEntityId] = useState(search.entityId ?? '');
  const [type, setType] = useState(search.type ?? '');
  function submit(event: FormEvent) {
    event.preventDefault();
    navigate({ page: 'events', search: { entityId: entityId.trim() || undefined, type: type || undefined } });
  }
  return (
    <form role="search" aria-label="Find events" className="card finder" onSubmit={submit}>
      <h2>Find events</h2>
      <label htmlFor="events-entity">Entity id</label>
      <input id="events-entity" value={entityId} onChange={(e) => setEntityId(e.target.value)} spellCheck={false} aria-describedby="events-entity-hint" />
      <p className="hint" id="events-entity-hint">
        A data source, segment or measure id, or a run id. Empty: every entity.
      </p>
      <label htmlFor="events-type">Type</label>
      <select id="events-type" value={type} onChange={(e) => setType(e.target.value)}>
        <option value="">Any type</option>
        {EVENT_TYPES.map((t) => (
          <option key={t.type} value={t.type}>
            {t.type}
          </option>
        ))}
      </select>
      <div>
        <button type="submit" className="primary">
          Search
        </button>
        {(search.entityId || search.type) && <Link to={{ page: 'events', search: {} }}>Every event</Link>}
      </div>
    </form>
  );
}

function OpenForm() {
  const [eventId, setEventId] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    const id = eventId.trim();
    if (id) navigate({ page: 'event', eventId: id });
  }
  return (
    <form aria-label="Open an event" className="card finder" onSubmit={submit}>
      <h2>Open an event</h2>
      <label htmlFor="events-open-id">Event id</label>
      <input id="events-open-id" value={eventId} onChange={(e) => setEventId(e.target.value)} required spellCheck={false} aria-describedby="events-open-hint" />
      <p className="hint" id="events-open-hint">
        The producer's id of the event: the <code>eventId</code> a flow receives.
      </p>
      <button type="submit">Open</button>
    </form>
  );
}
