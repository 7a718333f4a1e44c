import { type FormEvent, useEffect, useState } from 'react';
import { asApiError, type ApiError } from '../api/api-error';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { useAction } from '../action';
import { ErrorNotice } from '../components/error-notice';
import { PageHeading } from '../components/page-heading';
import { callbackHost, formatDuration, formatTime, instantFromLocalInput, localInputHoursBefore } from '../format';
import { Link } from '../navigation';
import { usePaged } from '../paged';

type Subscription = components['schemas']['SubscriptionDto_Output'];
type Delivery = components['schemas']['DeliveriesPageDto_Output']['deliveries'][number];
type Attempt = Delivery['attempts'][number];

const PAGE_SIZE = 20;

/**
 * One subscription's delivery log, newest first, a page at a time: each delivery with its
 * attempts (status code, duration, what the callback answered) and when it is retried next.
 * Resend one delivery (same webhook-id), or everything that failed in a time window.
 */
export function DeliveriesPage({ subscriptionId }: { subscriptionId: string }) {
  const [subscription, setSubscription] = useState<Subscription | null>(null);
  const [subscriptionError, setSubscriptionError] = useState<ApiError | null>(null);
  const list = usePaged(async (cursor) => {
    const page = await ok(api.GET('/v1/subscriptions/{id}/deliveries', { params: { path: { id: subscriptionId }, query: { limit: PAGE_SIZE, cursor } } }));
    return { items: page.deliveries, nextCursor: page.nextCursor };
  }, subscriptionId);
  const action = useAction();

  useEffect(() => {
    ok(api.GET('/v1/subscriptions/{id}', { params: { path: { id: subscriptionId } } })).then(setSubscription, (failure: unknown) =>
      setSubscriptionError(asApiError(failure)),
    );
  }, [subscriptionId]);

  const resend = (delivery: Delivery) =>
    action.run(async () => {
      await ok(api.POST('/v1/deliveries/{id}/resend', { params: { path: { id: delivery.id } } }));
      return `The delivery of event ${delivery.eventId} is queued for another attempt, with the same webhook-id. Refresh to see it.`;
    });
  const recover = (since: string, until: string | undefined) =>
    action.run(async () => {
      const { recovered } = await ok(api.POST('/v1/subscriptions/{id}/recover', { params: { path: { id: subscriptionId } }, body: { since, until } }));
      return `${recovered} failed ${recovered === 1 ? 'delivery' : 'deliveries'} queued again. Refresh to see the new attempts.`;
    });

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
          ) : (
            <>
              Subscription <code>{subscriptionId}</code>
            </>
          )}
        </p>
        <Link to={{ page: 'subscriptions' }}>All subscriptions</Link>
      </PageHeading>
      <ErrorNotice error={subscriptionError} />
      <RecoverForm busy={action.busy} onRecover={recover} />
      <div className="toolbar">
        <p role="status">{list.loading && list.items.length === 0 ? 'Loading…' : `${list.items.length} ${list.items.length === 1 ? 'delivery' : 'deliveries'} shown${list.hasMore ? ' (more to load)' : ''}.`}</p>
        <button type="button" onClick={list.reload} disabled={list.loading}>
          Refresh
        </button>
      </div>
      <ErrorNotice error={list.error ?? action.error} />
      {action.done && (
        <p className="notice notice-done" role="status">
          {action.done}
        </p>
      )}
      {list.items.map((delivery) => (
        <DeliveryCard key={delivery.id} delivery={delivery} busy={action.busy} onResend={() => void resend(delivery)} />
      ))}
      {!list.loading && list.items.length === 0 && !list.error && <p className="muted">No deliveries yet: none of the events received so far fired this subscription.</p>}
      {list.hasMore && (
        <button type="button" onClick={list.loadMore} disabled={list.loading}>
          More deliveries
        </button>
      )}
    </>
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
    <details className="card">
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

function DeliveryCard({ delivery, busy, onResend }: { delivery: Delivery; busy: boolean; onResend: () => void }) {
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
