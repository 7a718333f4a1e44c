import { type FormEvent, useState } from 'react';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { useAction } from '../action';
import { CopyField } from '../components/copy-field';
import { ErrorNotice } from '../components/error-notice';
import { PageHeading } from '../components/page-heading';
import { formatTime } from '../format';
import { usePaged } from '../paged';

type CreatedTenant = components['schemas']['TenantCreatedDto_Output'];

/**
 * The operator's first stop: which tenant to act for (sent as X-Tenant-Id on every tenant
 * route), picked from the list, typed, or made here. A new tenant's API key is shown once.
 */
export function TenantPage({ actingFor, onActFor }: { actingFor: string | null; onActFor: (tenantId: string) => void }) {
  return (
    <>
      <PageHeading title="Tenant">
        <p className="lead">
          {actingFor ? (
            <>
              Acting for tenant <code>{actingFor}</code>.
            </>
          ) : (
            'As the operator you see every tenant: pick the one to act for.'
          )}
        </p>
      </PageHeading>
      <TenantList onActFor={onActFor} />
      <ChooseTenant onActFor={onActFor} />
      <CreateTenant onActFor={onActFor} />
    </>
  );
}

function TenantList({ onActFor }: { onActFor: (tenantId: string) => void }) {
  const tenants = usePaged(async (cursor) => {
    const page = await ok(api.GET('/v1/admin/tenants', { params: { query: { limit: 50, cursor } } }));
    return { items: page.tenants, nextCursor: page.nextCursor };
  }, 'tenants');
  return (
    <section aria-labelledby="tenants-heading" className="card">
      <h2 id="tenants-heading">Tenants</h2>
      <ErrorNotice error={tenants.error} />
      <table className="list">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Created</th>
            <th scope="col">API keys</th>
            <th scope="col">Subscriptions</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tenants.items.map((tenant) => (
            <tr key={tenant.id}>
              <th scope="row" data-label="Name">
                {tenant.name}
                <br />
                <code className="muted">{tenant.id}</code>
              </th>
              <td data-label="Created">{formatTime(tenant.createdAt)}</td>
              <td data-label="API keys">{tenant.apiKeys}</td>
              <td data-label="Subscriptions">{tenant.subscriptions}</td>
              <td>
                <button type="button" onClick={() => onActFor(tenant.id)} aria-label={`Act for ${tenant.name}`}>
                  Act for
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tenants.hasMore && (
        <button type="button" onClick={tenants.loadMore} disabled={tenants.loading}>
          More tenants
        </button>
      )}
    </section>
  );
}

function ChooseTenant({ onActFor }: { onActFor: (tenantId: string) => void }) {
  const [tenantId, setTenantId] = useState('');
  const action = useAction();

  function choose(event: FormEvent) {
    event.preventDefault();
    const id = tenantId.trim();
    void action.run(async () => {
      // One cheap read as that tenant: an unknown or malformed id is refused here, not on every page.
      await ok(api.GET('/v1/subscriptions', { params: { query: { limit: 1 } }, headers: { 'X-Tenant-Id': id } }));
      onActFor(id);
      return null;
    });
  }

  return (
    <section aria-labelledby="choose-heading" className="card">
      <h2 id="choose-heading">Act for a tenant</h2>
      <form onSubmit={choose} className="inline-form">
        <label htmlFor="tenant-id">Tenant id</label>
        <input id="tenant-id" required spellCheck={false} value={tenantId} onChange={(e) => setTenantId(e.target.value)} placeholder="00000000-0000-0000-0000-000000000000" />
        <button type="submit" disabled={action.busy}>
          Act for this tenant
        </button>
      </form>
      <ErrorNotice error={action.error} />
    </section>
  );
}

function CreateTenant({ onActFor }: { onActFor: (tenantId: string) => void }) {
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedTenant | null>(null);
  const action = useAction();

  function create(event: FormEvent) {
    event.preventDefault();
    void action.run(async () => {
      setCreated(await ok(api.POST('/v1/admin/tenants', { body: { name } })));
      setName('');
      return null;
    });
  }

  return (
    <section aria-labelledby="create-heading" className="card">
      <h2 id="create-heading">Create a tenant</h2>
      <form onSubmit={create} className="inline-form">
        <label htmlFor="tenant-name">Name</label>
        <input id="tenant-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} placeholder="Contoso production" />
        <button type="submit" disabled={action.busy}>
          Create tenant
        </button>
      </form>
      <ErrorNotice error={action.error} />
      {created && (
        <div className="notice notice-done">
          <p role="status">Tenant created. Its API key is shown only now: the gateway keeps just its hash. Give it to the tenant, or sign in with it.</p>
          <CopyField label="New tenant id" value={created.tenantId} />
          <CopyField label="New tenant's API key" value={created.apiKey} />
          <button type="button" className="primary" onClick={() => onActFor(created.tenantId)}>
            Act for the new tenant
          </button>
        </div>
      )}
    </section>
  );
}
