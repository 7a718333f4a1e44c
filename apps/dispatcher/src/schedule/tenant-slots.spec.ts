import { TenantSlots } from './tenant-slots';

describe('TenantSlots', () => {
  it('caps one tenant\'s callbacks in flight, leaving the other tenants their own slots', () => {
    const slots = new TenantSlots(2);
    expect([slots.tryAcquire('a'), slots.tryAcquire('a'), slots.tryAcquire('a')]).toEqual([true, true, false]);
    expect(slots.tryAcquire('b')).toBe(true);
    expect(slots.release('a')).toBe(true); // it was at its cap: what waited for it may go now
    expect(slots.tryAcquire('a')).toBe(true);
    expect(slots.release('b')).toBe(false);
  });

  it('tells a claim which tenants to skip and how many of the others it may take', () => {
    const slots = new TenantSlots(3);
    slots.tryAcquire('a');
    slots.tryAcquire('a');
    slots.tryAcquire('a');
    slots.tryAcquire('b');
    expect(slots.room()).toEqual({ saturated: ['a'], partlyUsed: [{ tenantId: 'b', free: 2 }] });
    slots.release('b');
    expect(slots.room()).toEqual({ saturated: ['a'], partlyUsed: [] });
  });
});
