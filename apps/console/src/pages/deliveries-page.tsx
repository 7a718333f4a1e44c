import { type FormEvent, useEffect, useState } from 'react';
import { asApiError, type ApiError } from '../api/api-error';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { useAction } from '../action';
import { ActionOutcome } from '../components/action-outcome';
import { ErrorNotice } from '../components/error-notice';
import { ListToolbar } from '../components/list-toolbar';
import { PageHeading } from '../components/page-heading';
import { callbackHost, formatDuration, formatTime, instantFromLocalInput, localInputHoursBefore, localInputOf } from '../format';
import { Link, navigate } from '../navigation';
import { usePaged } from '../paged';
import type { DeliveryFilter } from '../routes';

type Subscription = components['schemas']['SubscriptionDto_Output'];
type Delivery = components['schemas']['DeliveriesPageDto_Output']['deliveries'][number];
type Attempt = Delivery['attempts'][number];
type Trigger = Subscription['trigger'];
type Status = Delivery['status'];

const PAGE_SIZE = 20;
/** Every status and trigger the API takes as a filter: the Record makes the compiler ask for a new one. */
const STATUSES: Record<Status, string> = { pending: 'Pending (retrying)', delivered: 'Delivered', failed: 'Failed', gone: 'Gone (flow deleted)', cancelled: 'Cancelled' };
const TRIGGERS: Record<Trigger, true> = {
  'data-source-refresh-failed': true,
  'data-source-refresh-succeeded': true,
  'segment-threshold-crossed': true,
  'measure-threshold-crossed': true,
  'full-refresh-completed': true,
  'unification-completed': true,
  'subscription-disabled': true,
};
const isStatus = (value: string | undefined): value is Status => value !== undefined && value in STATUSES;
const isTrigger = (value: string | undefined): value is Trigger => value !== undefined && value in TRIGGERS;

/**
 * The tenant's delivery log, newest first, a page at a time, narrowed by subscription, status,
 * trigger and when each delivery was made (the filters live in the address, so a search can be
 * bookmarked): each delivery with its attempts (status code, duration, what the callback
 * answered) and when it is retried next. Resend one delivery (same webhook-id), or, for one
 * subscription, everything that failed in a time window.
 */
export function DeliveriesPage({ filter }: { filter: DeliveryFilter }) {
  const { subscriptionId } = filter;
  const status = isStatus(filter.status) ? filter.status : undefined;
  const trigger = isTrigger(filter.trigger) ? filter.trigger : undefined;
  const [subscription, setSubscription] = useState<Subscription | null>(null);
  const [subscriptionError, setSubscriptionError] = useState<ApiError | null>(null);
  const list = usePaged(
    async (cursor) => {
      const query = { subscriptionId, status, trigger, since: filter.since, until: filter.until, limit: PAGE_SIZE, cursor };
      const page = await ok(api.GET('/v1/deliveries', { params: { query } }));
      return { items: page.deliveries, nextCursor: page.nextCursor };
    },
    JSON.stringify(filter),
  );
  const action = useAction();

  useEffect(() => {
    setSubscription(null);
    setSubscriptionError(null);
    if (!subscriptionId) return;
    ok(api.GET('/v1/subscriptions/{id}', { params: { path: { id: subscriptionId } } })).then(setSubscription, (failure: unknown) =>
      setSubscriptionError(asApiError(failure)),
    );
  }, [subscriptionId]);

  const resend = (delivery: Delivery) =>
    action.run(async () => {
      await ok(api.POST('/v1/deliveries/{id}/resend', { params: { path: { id: delivery.id } } }));
      return `The delivery of event ${delivery.eventId} is queued for another attempt, with the same webhook-id. Refresh to see it.`;
    });
  const recover = (id: string, since: string, until: string | undefined) =>
    action.run(async () => {
      const { recovered } = await ok(api.POST('/v1/subscriptions/{id}/recover', { params: { path: { id } }, body: { since, until } }));
      return `${recovered} failed ${recovered === 1 ? 'delivery' : 'deliveries'} queued again. Refresh to see the new attempts.`;
    });
  const filtered = Object.keys(filter).length > 0;

  return (
    <>
      <PageHeading title="Deliveries">
        <p className="lead">
          {subscription ? (
            <>
              <strong>{subscription.trigger}</strong> to <code>{callbackHost(subscription.callbackUrl)}</code>{' '}
              <span className={`badge badge-${subscription.status}`}>{subscription.status.replace('_', ' ')}</span>
              {subscription.disabledReason && <span className="reason"> {subscription.disabledReason}</span>}
            </>
          ) : subscriptionId ? (
            <>
              Subscription <code>{subscriptionId}</code>
            </>
          ) : (
            'Every callback made for your subscriptions, newest first. Narrow it down to find what failed, and resend it.'
          )}
        </p>
        {subscriptionId && <Link to={{ page: 'subscriptions' }}>All subscriptions</Link>}
      </PageHeading>
      <ErrorNotice error={subscriptionError} />
      <FilterForm key={JSON.stringify(filter)} filter={{ ...filter, status, trigger }} />
      {subscriptionId && <RecoverForm busy={action.busy} onRecover={(since, until) => recover(subscriptionId, since, until)} />}
      <ListToolbar list={list} shown={`${list.items.length} ${list.items.length === 1 ? 'delivery' : 'deliveries'} shown${filtered ? ' (filtered)' : ''}${list.hasMore ? ' (more to load)' : ''}.`} />
      <ActionOutcome error={list.error ?? action.error} done={action.done} />
      {list.items.map((delivery) => (
        <DeliveryCard key={delivery.id} delivery={delivery} showSubscription={!subscriptionId} busy={action.busy} onResend={() => void resend(delivery)} />
      ))}
      {!list.loading && list.items.length === 0 && !list.error && (
        <p className="muted">{filtered ? 'No delivery matches these filters.' : 'No deliveries yet: none of the events received so far fired a subscription.'}</p>
      )}
      {list.hasMore && (
        <button type="button" onClick={list.loadMore} disabled={list.loading}>
          More deliveries
        </button>
      )}
    </>
  );
}

function FilterForm({ filter }: { filter: DeliveryFilter }) {
  const [subscriptionId, setSubscriptionId] = useState(filter.subscriptionId ?? '');
  const [status, setStatus] = useState(filter.status ?? '');
  const [trigger, setTrigger] = useState(filter.trigger ?? '');
  const [since, setSince] = useState(() => localInputOf(filter.since));
  const [until, setUntil] = useState(() => localInputOf(filter.until));
  function submit(event: FormEvent) {
    event.preventDefault();
    const chosen: DeliveryFilter = {
      subscriptionId: subscriptionId.trim() || undefined,
      status: status || undefined,
      trigger: trigger || undefined,
      since: instantFromLocalInput(since) ?? undefined,
      until: instantFromLocalInput(until) ?? undefined,
    };
    navigate({ page: 'deliveries', filter: Object.fromEntries(Object.entries(chosen).filter(([, value]) => value !== undefined)) });
  }
  return (
    <form role="search" aria-label="Filter deliveries" className="card finder" onSubmit={submit}>
      <h2>Filter</h2>
      <div className="filter-fields">
        <div>
          <label htmlFor="deliveries-status">Status</label>
          <select id="deliveries-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Any status</option>
            {Object.entries(STATUSES).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="deliveries-trigger">Trigger</label>
          <select id="deliveries-trigger" value={trigger} onChange={(e) => setTrigger(e.target.value)}>
            <option value="">Any trigger</option>
            {Object.keys(TRIGGERS).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="deliveries-since">Made since</label>
          <input id="deliveries-since" type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} />
        </div>
        <div>
          <label htmlFor="deliveries-until">Made before</label>
          <input id="deliveries-until" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
        </div>
        <div>
          <label htmlFor="deliveries-subscription">Subscription id</label>
          <input id="deliveries-subscription" value={subscriptionId} onChange={(e) => setSubscriptionId(e.target.value)} spellCheck={false} aria-describedby="deliveries-subscription-hint" />
          <p className="hint" id="deliveries-subscription-hint">
            Empty: every subscription.
          </p>
        </div>
      </div>
      <div>
        <button type="submit" className="primary">
          Filter
        </button>
        {Object.values(filter).some(Boolean) && <Link to={{ page: 'deliveries', filter: {} }}>Every delivery</Link>}
      </div>
    </form>
  );
}

function RecoverForm({ busy, onRecover }: { busy: boolean; onRecover: (since: string, until: string | undefined) => void }) {
  const [since, setSince] = useState(() => localInputHoursBefore(24));
  const [until, setUntil] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    const from = instantFromLocalInput(since);
    if (from) onRecover(from, instantFromLocalInput(until) ?? undefined);
  }
  return (
    <details className="card finder">
      <summary>Recover a time window</summary>
      <form onSubmit={submit} className="stacked-form">
        <p className="hint">Resends every delivery of this subscription that failed and was made in the window (for instance while the flow was broken).</p>
        <label htmlFor="recover-since">Failed since</label>
        <input id="recover-since" type="datetime-local" required value={since} onChange={(e) => setSince(e.target.value)} />
        <label htmlFor="recover-until">Until (empty: now)</label>
        <input id="recover-until" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
        <button type="submit" disabled={busy}>
          Resend what failed
        </button>
      </form>
    </details>
  );
}

function DeliveryCard({ delivery, showSubscription, busy, onResend }: { delivery: Delivery; showSubscription: boolean; busy: boolean; onResend: () => void }) {
  const headingId = `delivery-${delivery.id}`;
  const earlier = delivery.attemptCount - delivery.attempts.length;
  return (
    <article className="card delivery" aria-labelledby={headingId}>
      <header className="delivery-header">
        <h2 id={headingId}>
          Event <code>{delivery.eventId}</code>
        </h2>
        <span className={`badge badge-${delivery.status}`}>{delivery.status}</span>
      </header>
      <dl className="facts">
        <div>
          <dt>Trigger</dt>
          <dd>{delivery.trigger}</dd>
        </div>
        {showSubscription && (
          <div>
            <dt>Subscription</dt>
            <dd>
              <Link to={{ page: 'deliveries', filter: { subscriptionId: delivery.subscriptionId } }}>
                <code>{delivery.subscriptionId.slice(0, 8)}</code>
                <span className="visually-hidden">: only its deliveries</span>
              </Link>
            </dd>
          </div>
        )}
        <div>
          <dt>Made</dt>
          <dd>{formatTime(delivery.createdAt)}</dd>
        </div>
        <div>
          <dt>Attempts</dt>
          <dd>{delivery.attemptCount}</dd>
        </div>
        <div>
          <dt>Next retry</dt>
          <dd>{delivery.status === 'pending' ? formatTime(delivery.nextAttemptAt) : 'none'}</dd>
        </div>
        <div>
          <dt>webhook-id</dt>
          <dd>
            <code>{delivery.id}</code>
          </dd>
        </div>
      </dl>
      <table className="list attempts">
        <caption>Attempts{earlier > 0 && ` (the latest ${delivery.attempts.length}; ${earlier} earlier not shown)`}</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Started</th>
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
            <th scope="col">Answer</th>
          </tr>
        </thead>
        <tbody>
          {delivery.attempts.map((attempt) => (
            <AttemptRow key={attempt.attemptNumber} attempt={attempt} />
          ))}
        </tbody>
      </table>
      <button type="button" onClick={onResend} disabled={busy} aria-label={`Resend the delivery of event ${delivery.eventId}`}>
        Resend
      </button>
    </article>
  );
}

function AttemptRow({ attempt }: { attempt: Attempt }) {
  const answer = attempt.error ?? attempt.responseExcerpt;
  return (
    <tr>
      <th scope="row" data-label="Attempt">
        {attempt.attemptNumber}
      </th>
      <td data-label="Started">{formatTime(attempt.startedAt)}</td>
      <td data-label="Status">{attempt.statusCode ?? 'no answer'}</td>
      <td data-label="Duration">{formatDuration(attempt.durationMs)}</td>
      <td data-label="Answer">{answer ? <code className="excerpt">{answer}</code> : <span className="muted">empty</span>}</td>
    </tr>
  );
}
