import { subscriptionId } from './subscription-id';

const tenant = '0b3c1f4e-7c9a-4a34-9a8e-2d1f6a0b9c11';

describe('subscriptionId', () => {
  it('is the same for the same definition, whatever the parameter order', () => {
    const a = subscriptionId(tenant, 'data-source-refresh-failed', 'https://x.test/cb', { dataSourceId: 'ds', b: 1 });
    const b = subscriptionId(tenant, 'data-source-refresh-failed', 'https://x.test/cb', { b: 1, dataSourceId: 'ds' });
    expect(a).toBe(b);
  });

  it('differs when the tenant, trigger, callback or a parameter differs', () => {
    const base = subscriptionId(tenant, 'data-source-refresh-failed', 'https://x.test/cb', {});
    expect(subscriptionId('9b3c1f4e-7c9a-4a34-9a8e-2d1f6a0b9c11', 'data-source-refresh-failed', 'https://x.test/cb', {})).not.toBe(base);
    expect(subscriptionId(tenant, 'data-source-refresh-succeeded', 'https://x.test/cb', {})).not.toBe(base);
    expect(subscriptionId(tenant, 'data-source-refresh-failed', 'https://x.test/other', {})).not.toBe(base);
    expect(subscriptionId(tenant, 'data-source-refresh-failed', 'https://x.test/cb', { dataSourceId: 'ds' })).not.toBe(base);
  });
});
