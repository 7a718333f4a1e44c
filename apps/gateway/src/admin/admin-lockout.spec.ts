import { AdminLockout } from './admin-lockout';

describe('AdminLockout', () => {
  const clock = { ms: 0, now: () => clock.ms };
  const lockout = () => new AdminLockout({ ADMIN_AUTH_MAX_FAILURES: 5, ADMIN_AUTH_LOCKOUT: 30_000 }, clock);

  /** A wrong token sent the moment the address's wait is over. */
  const failAfterWait = (l: AdminLockout, address: string) => {
    clock.ms += l.waitFor(address);
    return l.failed(address);
  };

  it('lets an address fail five times, then makes it wait, twice as long with each failure after a wait', () => {
    const l = lockout();
    expect([1, 2, 3, 4].map(() => l.failed('10.0.0.1'))).toEqual([0, 0, 0, 0]);
    expect(l.waitFor('10.0.0.1')).toBe(0);
    expect(l.failed('10.0.0.1')).toBe(30_000);
    expect(failAfterWait(l, '10.0.0.1')).toBe(60_000);
    expect(failAfterWait(l, '10.0.0.1')).toBe(120_000);
    clock.ms += 20_000;
    expect(l.waitFor('10.0.0.1')).toBe(100_000);
  });

  it('does not count a wrong token sent while the address waits: the wait stays as it was', () => {
    const l = lockout();
    for (let i = 0; i < 5; i++) l.failed('10.0.0.1');
    clock.ms += 10_000;
    expect([1, 2, 3].map(() => l.failed('10.0.0.1'))).toEqual([20_000, 20_000, 20_000]);
    clock.ms += 20_000;
    expect(l.waitFor('10.0.0.1')).toBe(0);
    expect(l.failed('10.0.0.1')).toBe(60_000); // the sixth counted failure, not the ninth
  });

  it('waits at most an hour', () => {
    const l = lockout();
    for (let i = 0; i < 40; i++) failAfterWait(l, '10.0.0.1');
    expect(l.waitFor('10.0.0.1')).toBe(AdminLockout.MAX_LOCKOUT_MS);
  });

  it('keeps addresses apart', () => {
    const l = lockout();
    for (let i = 0; i < 6; i++) l.failed('10.0.0.1');
    expect(l.waitFor('10.0.0.2')).toBe(0);
    expect(l.failed('10.0.0.2')).toBe(0);
  });

  it('forgets an address on its right token, or a while after its last wait ended', () => {
    const l = lockout();
    for (let i = 0; i < 4; i++) l.failed('10.0.0.1');
    l.succeeded('10.0.0.1');
    expect(l.failed('10.0.0.1')).toBe(0);

    for (let i = 0; i < 4; i++) l.failed('10.0.0.3');
    expect(l.failed('10.0.0.3')).toBe(30_000);
    clock.ms += 30_000 + AdminLockout.FORGET_AFTER_MS + 1;
    expect(l.waitFor('10.0.0.3')).toBe(0);
    expect(l.failed('10.0.0.3')).toBe(0);
  });
});
