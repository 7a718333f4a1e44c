import { type FormEvent, useId, useState } from 'react';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { useAction } from '../action';
import { ConfirmButton } from '../components/confirm-button';
import { CopyField } from '../components/copy-field';
import { ErrorNotice } from '../components/error-notice';
import { PageHeading } from '../components/page-heading';
import { callbackHost, disabledFirst, formatTime, instantFromLocalInput, localInputHoursBefore, subscriptionParameters } from '../format';
import { Link } from '../navigation';
import { usePaged } from '../paged';

type Subscription = components['schemas']['SubscriptionsPageDto_Output']['subscriptions'][number];
type Rotated = components['schemas']['SecretRotatedDto_Output'];

const PAGE_SIZE = 25;

/**
 * Every subscription of the tenant, a page at a time: what it triggers on, with which
 * parameters, where its callbacks go (the host only), and whether it is disabled and why;
 * disabled ones first. Re-enable (and resend what it missed), rotate its secret, delete it.
 */
export function SubscriptionsPage() {
  const list = usePaged(async (cursor) => {
    const page = await ok(api.GET('/v1/subscriptions', { params: { query: { limit: PAGE_SIZE, cursor } } }));
    return { items: page.subscriptions, nextCursor: page.nextCursor };
  }, 'subscriptions');
  const action = useAction();
  const [rotated, setRotated] = useState<(Rotated & { trigger: string }) | null>(null);

  const replace = (updated: Subscription) => list.setItems((items) => items.map((s) => (s.id === updated.id ? updated : s)));
  const shown = disabledFirst(list.items);
  const disabled = shown.filter((s) => s.status === 'disabled').length;

  const enable = (subscription: Subscription, recoverSince?: string) =>
    action.run(async () => {
      const body = recoverSince ? { recoverSince } : {};
      replace(await ok(api.POST('/v1/subscriptions/{id}/enable', { params: { path: { id: subscription.id } }, body })));
      return recoverSince ? `Re-enabled ${subscription.trigger}; what failed since ${formatTime(recoverSince)} is being resent.` : `Re-enabled ${subscription.trigger}.`;
    });
  const rotate = (subscription: Subscription) =>
    action.run(async () => {
      setRotated({ ...(await ok(api.POST('/v1/subscriptions/{id}/rotate-secret', { params: { path: { id: subscription.id } } }))), trigger: subscription.trigger });
      return null;
    });
  const remove = (subscription: Subscription) =>
    action.run(async () => {
      await ok(api.DELETE('/v1/subscriptions/{id}', { params: { path: { id: subscription.id } } }));
      list.setItems((items) => items.filter((s) => s.id !== subscription.id));
      return `Deleted the ${subscription.trigger} subscription to ${callbackHost(subscription.callbackUrl)}.`;
    });

  return (
    <>
      <PageHeading title="Subscriptions">
        <p className="lead">Each is one flow's trigger: saving a flow subscribes it, deleting or turning off the flow unsubscribes it.</p>
      </PageHeading>
      <div className="toolbar">
        <p role="status">
          {list.loading && list.items.length === 0
            ? 'Loading…'
            : `${list.items.length} shown${list.hasMore ? ' (more to load)' : ''}${disabled > 0 ? `, ${disabled} disabled` : ''}.`}
        </p>
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
      {rotated && (
        <div className="notice notice-done">
          <p role="status">
            New signing secret for {rotated.trigger}, shown only now.
            {rotated.previousSecretsExpireAt && ` Until ${formatTime(rotated.previousSecretsExpireAt)} each callback is signed with the previous secret too.`}
          </p>
          <CopyField label="New signing secret" value={rotated.secret} />
        </div>
      )}
      {shown.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Trigger</th>
              <th scope="col">Parameters</th>
              <th scope="col">Callbacks to</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((subscription) => (
              <SubscriptionRow
                key={subscription.id}
                subscription={subscription}
                busy={action.busy}
                onEnable={(since) => void enable(subscription, since)}
                onRotate={() => void rotate(subscription)}
                onDelete={() => void remove(subscription)}
              />
            ))}
          </tbody>
        </table>
      )}
      {!list.loading && list.items.length === 0 && !list.error && <p className="muted">No subscriptions yet: save a flow with a Tripline trigger (see Set up).</p>}
      {list.hasMore && (
        <button type="button" onClick={list.loadMore} disabled={list.loading}>
          More subscriptions
        </button>
      )}
    </>
  );
}

function SubscriptionRow(props: { subscription: Subscription; busy: boolean; onEnable: (recoverSince?: string) => void; onRotate: () => void; onDelete: () => void }) {
  const { subscription } = props;
  const host = callbackHost(subscription.callbackUrl);
  const parameters = subscriptionParameters(subscription);
  const what = `${subscription.trigger} to ${host}`;
  return (
    <tr className={subscription.status === 'disabled' ? 'attention' : undefined}>
      <th scope="row" data-label="Trigger">
        {subscription.trigger}
      </th>
      <td data-label="Parameters">
        {parameters.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          <dl className="parameters">
            {parameters.map(([name, value]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        )}
      </td>
      <td data-label="Callbacks to">
        <code>{host}</code>
      </td>
      <td data-label="Status">
        <span className={`badge badge-${subscription.status}`}>{subscription.status.replace('_', ' ')}</span>
        {subscription.disabledReason && <p className="reason">{subscription.disabledReason}</p>}
      </td>
      <td data-label="Created">{formatTime(subscription.createdAt)}</td>
      <td className="row-actions">
        <Link to={{ page: 'deliveries', subscriptionId: subscription.id }}>
          Deliveries<span className="visually-hidden"> of {what}</span>
        </Link>
        {subscription.status === 'disabled' && <EnableControls what={what} busy={props.busy} onEnable={props.onEnable} />}
        <button type="button" onClick={props.onRotate} disabled={props.busy} aria-label={`Rotate the signing secret of ${what}`}>
          Rotate secret
        </button>
        <ConfirmButton label="Delete" accessibleLabel={`Delete ${what}`} question={`Delete the ${subscription.trigger} subscription?`} confirm="Delete" onConfirm={props.onDelete} disabled={props.busy}>
          <p>
            Callbacks to <code>{host}</code> stop, and pending ones are cancelled. The flow receives nothing more until it is saved again in Power Automate, which subscribes it anew.
          </p>
        </ConfirmButton>
      </td>
    </tr>
  );
}

function EnableControls({ what, busy, onEnable }: { what: string; busy: boolean; onEnable: (recoverSince?: string) => void }) {
  const [since, setSince] = useState(() => localInputHoursBefore(24));
  const id = useId();
  function submit(event: FormEvent) {
    event.preventDefault();
    const recoverSince = instantFromLocalInput(since);
    if (recoverSince) onEnable(recoverSince);
  }
  return (
    <>
      <button type="button" className="primary" onClick={() => onEnable()} disabled={busy} aria-label={`Re-enable ${what}`}>
        Re-enable
      </button>
      <details>
        <summary>Re-enable and resend…</summary>
        <form onSubmit={submit} className="stacked-form">
          <label htmlFor={id}>Resend what failed since</label>
          <input id={id} type="datetime-local" required value={since} onChange={(e) => setSince(e.target.value)} />
          <button type="submit" disabled={busy}>
            Re-enable and resend
          </button>
        </form>
      </details>
    </>
  );
}
