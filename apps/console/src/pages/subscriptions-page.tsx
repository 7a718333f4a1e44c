import { type FormEvent, useId, useState } from 'react';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { useAction } from '../action';
import { ConfirmButton } from '../components/confirm-button';
import { CopyField } from '../components/copy-field';
import { ActionOutcome } from '../components/action-outcome';
import { ListToolbar } from '../components/list-toolbar';
import { PageHeading } from '../components/page-heading';
import { callbackHost, formatTime, instantFromLocalInput, localInputHoursBefore, subscriptionParameters } from '../format';
import { Link } from '../navigation';
import { usePaged } from '../paged';

type Subscription = components['schemas']['SubscriptionsPageDto_Output']['subscriptions'][number];
type Summary = components['schemas']['SummariesDto_Output']['summaries'][number];
type Rotated = components['schemas']['SecretRotatedDto_Output'];

const PAGE_SIZE = 25;

/**
 * Every subscription of the tenant, a page at a time: what it triggers on, with which
 * parameters, where its callbacks go (the host only), and whether it is disabled and why;
 * disabled ones first. Re-enable (and resend what it missed), rotate its secret, delete it.
 */
export function SubscriptionsPage() {
  const [summaries, setSummaries] = useState<Map<string, Summary>>(() => new Map());
  const list = usePaged(async (cursor) => {
    const page = await ok(api.GET('/v1/subscriptions', { params: { query: { limit: PAGE_SIZE, cursor } } }));
    const fetched = await summariesOf(page.subscriptions.map((s) => s.id));
    setSummaries((known) => new Map([...known, ...fetched]));
    return { items: page.subscriptions, nextCursor: page.nextCursor };
  }, 'subscriptions');
  const action = useAction();
  const [rotated, setRotated] = useState<(Rotated & { trigger: string }) | null>(null);

  const replace = (updated: Subscription) => list.setItems((items) => items.map((s) => (s.id === updated.id ? updated : s)));
  // The API lists the disabled ones first (they need someone), however many pages the others fill.
  const shown = list.items;
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
      <ListToolbar list={list} shown={`${list.items.length} shown${list.hasMore ? ' (more to load)' : ''}${disabled > 0 ? `, ${disabled} disabled` : ''}.`} />
      <ActionOutcome error={list.error ?? action.error} done={action.done} />
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
              <th scope="col">Last delivery</th>
              <th scope="col">Success, 24 h</th>
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
                summary={summaries.get(subscription.id)}
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

/** How a page of subscriptions fares; none when the dispatcher cannot say now (the list shows without it, "unknown"). */
async function summariesOf(ids: string[]): Promise<Array<[string, Summary]>> {
  if (ids.length === 0) return [];
  try {
    const { summaries } = await ok(api.GET('/v1/deliveries/summaries', { params: { query: { subscriptionIds: ids.join(',') } } }));
    return summaries.map((s) => [s.subscriptionId, s]);
  } catch {
    return [];
  }
}

function SubscriptionRow(props: { subscription: Subscription; summary: Summary | undefined; busy: boolean; onEnable: (recoverSince?: string) => void; onRotate: () => void; onDelete: () => void }) {
  const { subscription, summary } = props;
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
      <td data-label="Last delivery">
        {summary?.lastDeliveryAt ? (
          <>
            {formatTime(summary.lastDeliveryAt)} <span className={`badge badge-${summary.lastStatus}`}>{summary.lastStatus}</span>
          </>
        ) : (
          <span className="muted">{summary ? 'none yet' : 'unknown'}</span>
        )}
      </td>
      <td data-label="Success, 24 h">{successRate(summary)}</td>
      <td className="row-actions">
        <Link to={{ page: 'deliveries', filter: { subscriptionId: subscription.id } }}>
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

/** Delivered out of everything that ended in the last 24 hours: 100 % (12 of 12). */
function successRate(summary: Summary | undefined): string {
  if (!summary) return 'unknown';
  const ended = summary.delivered24h + summary.failed24h;
  if (ended === 0) return 'nothing ended';
  return `${Math.floor((summary.delivered24h / ended) * 100)} % (${summary.delivered24h} of ${ended})`;
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
