import { type Reason, reasonValues, type Verdict } from '../evaluation';
import { Link } from '../navigation';

/**
 * Each subscription an event could have fired, at a glance: fired (with its delivery, the
 * webhook-id its flow got) or not fired and why, in the API's words, with the values that
 * decided it set apart. The mark (✓, ✗) is decoration; the words say the same.
 */
export function Verdicts({ verdicts }: { verdicts: readonly Verdict[] }) {
  return (
    <ol className="verdicts">
      {verdicts.map((verdict) => (
        <VerdictItem key={verdict.subscriptionId} verdict={verdict} />
      ))}
    </ol>
  );
}

/** A reason's code as words: below_threshold is "below threshold". */
export const reasonLabel = (code: Reason['code']) => code.replace(/_/g, ' ');

function VerdictItem({ verdict }: { verdict: Verdict }) {
  const headingId = `verdict-${verdict.subscriptionId}`;
  const deliveries = { page: 'deliveries', filter: { subscriptionId: verdict.subscriptionId } } as const;
  return (
    <li className={verdict.fired ? 'verdict verdict-fired' : 'verdict verdict-not-fired'}>
      <div className="verdict-head">
        <span className="verdict-mark" aria-hidden="true">
          {verdict.fired ? '✓' : '✗'}
        </span>
        <h3 id={headingId} className="verdict-title">
          {verdict.fired ? 'Fired' : verdict.reason ? `Not fired: ${reasonLabel(verdict.reason.code)}` : 'Not fired'}
          <span className="visually-hidden"> · </span>
          <span className="verdict-trigger">{verdict.trigger}</span>
        </h3>
        <span className={`badge badge-${verdict.status}`}>{verdict.status.replace('_', ' ')}</span>
      </div>
      <p className="verdict-subscription">
        Subscription <code>{verdict.subscriptionId}</code>{' '}
        <Link to={deliveries}>
          Deliveries<span className="visually-hidden"> of subscription {verdict.subscriptionId}</span>
        </Link>
      </p>
      {verdict.deliveryId && (
        <p className="verdict-delivery">
          {verdict.fired ? 'Delivery' : 'The delivery it had already'} (webhook-id){' '}
          <Link to={deliveries} className="delivery-link">
            <code>{verdict.deliveryId}</code>
            <span className="visually-hidden"> in the deliveries of this subscription</span>
          </Link>
        </p>
      )}
      {verdict.reason && <ReasonDetails reason={verdict.reason} />}
    </li>
  );
}

function ReasonDetails({ reason }: { reason: Reason }) {
  const values = reasonValues(reason);
  return (
    <div className="reason-details">
      <p className="reason-message">{reason.message}</p>
      {values.length > 0 && (
        <dl className="reason-values">
          {values.map((value) => (
            <div key={value.key}>
              <dt>{value.label}</dt>
              <dd>
                {value.eventId ? (
                  <Link to={{ page: 'event', eventId: value.eventId }}>
                    <mark>{value.text}</mark>
                  </Link>
                ) : (
                  <mark>{value.text}</mark>
                )}
              </dd>
            </div>
          ))}
        </dl>
      )}
      <p className="hint">
        Reason <code>{reason.code}</code>
      </p>
    </div>
  );
}
