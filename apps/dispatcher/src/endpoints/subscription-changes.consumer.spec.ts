import type { Subscription, SubscriptionStatus } from '@tripline/contracts';
import { Unavailable, type Inbound } from '@tripline/kafka';
import { randomUUID } from 'node:crypto';
import type { DeliveryScheduler } from '../deliveries/delivery-scheduler';
import type { DispatchEndpoints } from './dispatch-endpoints';
import { SubscriptionChangesConsumer } from './subscription-changes.consumer';

/** The dispatcher's endpoints as the consumer sees them: which sealed URLs this key opens, and what was applied. */
class FakeEndpoints {
  readonly applied: Subscription[] = [];
  constructor(
    private readonly openable: ReadonlySet<string>,
    private readonly storedOpen: boolean,
  ) {}
  opens(sealed: string): boolean {
    return this.openable.has(sealed);
  }
  async opensStoredUrls(): Promise<boolean> {
    return this.storedOpen;
  }
  async apply(subscriptions: Subscription[]): Promise<void> {
    this.applied.push(...subscriptions);
  }
}

const change = (status: SubscriptionStatus, sealedCallbackUrl: string): Inbound<'subscriptionChanges'> => {
  const id = randomUUID();
  return {
    key: id,
    partition: 0,
    offset: '0',
    timestamp: 0,
    value: {
      change: status === 'deleted' ? 'deleted' : status === 'disabled' ? 'disabled' : 'created',
      subscription: { id, tenantId: randomUUID(), status, sealedCallbackUrl, version: 2, secrets: [] } as unknown as Subscription,
    },
  };
};

describe('subscription changes at the dispatcher, when a callback URL does not open with its key', () => {
  function consumer(opts: { storedOpen: boolean }) {
    const endpoints = new FakeEndpoints(new Set(['opens']), opts.storedOpen);
    const scheduled: unknown[] = [];
    const scheduler = { schedule: async (d: unknown[]) => void scheduled.push(...d) };
    const handler = new SubscriptionChangesConsumer(endpoints as unknown as DispatchEndpoints, scheduler as unknown as DeliveryScheduler);
    return { handler, endpoints, scheduled };
  }
  const ids = (subscriptions: Subscription[]) => subscriptions.map((s) => s.id);

  it('applies deletions and disablings whatever their URL: they send nothing', async () => {
    const { handler, endpoints } = consumer({ storedOpen: false });
    const batch = [change('deleted', 'sealed-elsewhere'), change('disabled', 'sealed-elsewhere')];
    expect(await handler.handle(batch)).toEqual([]);
    expect(ids(endpoints.applied)).toEqual(batch.map((m) => m.key));
  });

  it('waits (Unavailable, nothing dead-lettered) when no URL of the batch opens nor any it holds, and applies the deletions meanwhile', async () => {
    const { handler, endpoints, scheduled } = consumer({ storedOpen: false });
    const deletion = change('deleted', 'sealed-elsewhere');
    const batch = [change('active', 'sealed-elsewhere'), change('pending_validation', 'sealed-elsewhere'), deletion];
    await expect(handler.handle(batch)).rejects.toThrow(Unavailable);
    await expect(handler.handle(batch)).rejects.toThrow(/TRIPLINE_SECRETS_KEY/);
    expect(ids(endpoints.applied)).toEqual([deletion.key, deletion.key]);
    expect(scheduled).toEqual([]);
  });

  it('dead-letters only the changes whose URL does not open when others of the batch open', async () => {
    const { handler, endpoints, scheduled } = consumer({ storedOpen: false });
    const bad = change('active', 'sealed-elsewhere');
    const good = change('pending_validation', 'opens');
    const rejected = await handler.handle([bad, good]);
    expect(rejected).toEqual([{ message: bad, reason: 'subscription.sealedCallbackUrl: cannot be opened with this TRIPLINE_SECRETS_KEY' }]);
    expect(ids(endpoints.applied)).toEqual([good.key]);
    expect(scheduled).toHaveLength(1); // its validation handshake
  });

  it('dead-letters a lone change whose URL does not open when the key opens the URLs it holds: the message is at fault, not the key', async () => {
    const { handler, endpoints } = consumer({ storedOpen: true });
    const bad = change('active', 'sealed-elsewhere');
    expect(await handler.handle([bad])).toEqual([expect.objectContaining({ message: bad })]);
    expect(endpoints.applied).toEqual([]);
  });
});
