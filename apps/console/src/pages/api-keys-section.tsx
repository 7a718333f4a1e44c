import { type FormEvent, useState } from 'react';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { useAction } from '../action';
import { ConfirmButton } from '../components/confirm-button';
import { CopyField } from '../components/copy-field';
import { ActionOutcome } from '../components/action-outcome';
import { formatTime } from '../format';
import { usePaged } from '../paged';

type ApiKey = components['schemas']['ApiKeyDto_Output'];
type IssuedApiKey = components['schemas']['ApiKeyIssuedDto_Output'];

type Renewed = (session: components['schemas']['ConsoleSessionDto_Output']) => void;

/** The set-up page's API keys: a connection signs in with one; each flow maker can have their own. */
export function ApiKeysSection({ onSessionRenewed }: { onSessionRenewed: Renewed }) {
  return (
    <section aria-labelledby="keys-heading" className="card">
      <h2 id="keys-heading">API keys</h2>
      <ApiKeys onSessionRenewed={onSessionRenewed} />
    </section>
  );
}

/**
 * Rotating the key this console session was opened with ends the session (the old key is
 * revoked at once); the rotate answer holds the new key, so the console signs in again with it,
 * as it would have been typed, rather than sending the user back to the sign-in page.
 */
async function renewIfEnded(rotated: IssuedApiKey, onSessionRenewed: Renewed): Promise<boolean> {
  const { response } = await api.GET('/v1/console/session');
  if (response.status !== 401) return false;
  onSessionRenewed(await ok(api.POST('/v1/console/session', { body: { apiKey: rotated.apiKey } })));
  return true;
}

function ApiKeys({ onSessionRenewed }: { onSessionRenewed: Renewed }) {
  const keys = usePaged(async (cursor) => {
    const page = await ok(api.GET('/v1/api-keys', { params: { query: { limit: 50, cursor } } }));
    return { items: page.apiKeys, nextCursor: page.nextCursor };
  }, 'api-keys');
  const [issued, setIssued] = useState<IssuedApiKey | null>(null);
  const action = useAction();

  // Each change updates the list from its own answer, with no read after it: revoking the key
  // this session signed in with ends the session, and a read would sign the page out at once.
  const revokedNow = (id: string) => keys.setItems((items) => items.map((k) => (k.id === id ? { ...k, revokedAt: new Date().toISOString() } : k)));
  const issue = (made: IssuedApiKey) => {
    setIssued(made);
    const { apiKey: _shownOnce, ...listed } = made;
    keys.setItems((items) => [{ ...listed, revokedAt: null, lastUsedAt: null }, ...items]);
  };

  return (
    <>
      <p>A connection signs in with one of these. A key is shown once, when it is made or rotated: the gateway keeps only its hash.</p>
      <NewKeyForm
        busy={action.busy}
        onCreate={(name) =>
          action.run(async () => {
            issue(await ok(api.POST('/v1/api-keys', { body: { name } })));
            return null;
          })
        }
      />
      {issued && (
        <div className="notice notice-done">
          <p role="status">
            Key <strong>{issued.name}</strong> made. Copy it now: it is not shown again.
          </p>
          <CopyField label={`API key ${issued.name}`} value={issued.apiKey} />
        </div>
      )}
      <ActionOutcome error={action.error ?? keys.error} done={action.done} />
      <table className="list">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Starts with</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.items.map((key) => (
            <KeyRow
              key={key.id}
              apiKey={key}
              busy={action.busy}
              onRename={(name) =>
                action.run(async () => {
                  const renamed = await ok(api.PATCH('/v1/api-keys/{id}', { params: { path: { id: key.id } }, body: { name } }));
                  keys.setItems((items) => items.map((k) => (k.id === renamed.id ? renamed : k)));
                  return `Renamed to ${renamed.name}.`;
                })
              }
              onRotate={() =>
                action.run(async () => {
                  const rotated = await ok(api.POST('/v1/api-keys/{id}/rotate', { params: { path: { id: key.id } } }));
                  revokedNow(key.id);
                  issue(rotated);
                  const renewed = await renewIfEnded(rotated, onSessionRenewed);
                  return renewed ? `You were signed in with the key ${key.name}: the console signed in again with the new one.` : null;
                })
              }
              onRevoke={() =>
                action.run(async () => {
                  await ok(api.DELETE('/v1/api-keys/{id}', { params: { path: { id: key.id } } }));
                  revokedNow(key.id);
                  if (issued?.id === key.id) setIssued(null); // no use copying it now
                  return `Key ${key.name} revoked.`;
                })
              }
            />
          ))}
        </tbody>
      </table>
      {!keys.loading && keys.items.length === 0 && !keys.error && <p className="muted">No keys yet.</p>}
      {keys.hasMore && (
        <button type="button" onClick={keys.loadMore} disabled={keys.loading}>
          More keys
        </button>
      )}
    </>
  );
}

function NewKeyForm({ busy, onCreate }: { busy: boolean; onCreate: (name: string) => Promise<void> }) {
  const [name, setName] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    void onCreate(name.trim()).then(() => setName(''));
  }
  return (
    <form onSubmit={submit} className="inline-form">
      <label htmlFor="new-key-name">New key's name</label>
      <input id="new-key-name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} placeholder="Power Automate, finance flows" />
      <button type="submit" disabled={busy}>
        Make a key
      </button>
    </form>
  );
}

function KeyRow(props: { apiKey: ApiKey; busy: boolean; onRename: (name: string) => Promise<void>; onRotate: () => Promise<void>; onRevoke: () => Promise<void> }) {
  const { apiKey: key } = props;
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(key.name);
  const revoked = key.revokedAt !== null;

  function rename(event: FormEvent) {
    event.preventDefault();
    void props.onRename(name.trim()).then(() => setRenaming(false));
  }

  return (
    <tr className={revoked ? 'revoked' : undefined}>
      <th scope="row" data-label="Name">
        {renaming ? (
          <form onSubmit={rename} className="inline-form">
            <label htmlFor={`rename-${key.id}`} className="visually-hidden">
              New name for {key.name}
            </label>
            <input id={`rename-${key.id}`} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
            <button type="submit" disabled={props.busy}>
              Save
            </button>
            <button type="button" onClick={() => setRenaming(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <>
            {key.name}
            {revoked && <span className="badge badge-disabled">revoked {formatTime(key.revokedAt)}</span>}
          </>
        )}
      </th>
      <td data-label="Starts with">
        <code>tl_{key.prefix}…</code>
      </td>
      <td data-label="Created">{formatTime(key.createdAt)}</td>
      <td data-label="Last used">{formatTime(key.lastUsedAt)}</td>
      <td className="row-actions">
        {!revoked && !renaming && (
          <>
            <button type="button" onClick={() => setRenaming(true)} aria-label={`Rename ${key.name}`}>
              Rename
            </button>
            <ConfirmButton label="Rotate" accessibleLabel={`Rotate ${key.name}`} question={`Rotate the key ${key.name}?`} confirm="Rotate" onConfirm={() => void props.onRotate()} disabled={props.busy}>
              <p>A new key with the same name replaces it, and the old one stops working at once: connections signed in with it must be given the new one. If you signed in with it, the console signs in again with the new one.</p>
            </ConfirmButton>
            <ConfirmButton label="Revoke" accessibleLabel={`Revoke ${key.name}`} question={`Revoke the key ${key.name}?`} confirm="Revoke" onConfirm={() => void props.onRevoke()} disabled={props.busy}>
              <p>Every connection and console session signed in with it stops working at once. If you signed in with it, you are signed out.</p>
            </ConfirmButton>
          </>
        )}
      </td>
    </tr>
  );
}
