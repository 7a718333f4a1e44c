import { EndpointThrottle } from './endpoint-throttle';

describe('EndpointThrottle', () => {
  it('caps callbacks in flight per endpoint, leaving other endpoints free', () => {
    const throttle = new EndpointThrottle(2, 1000, () => 0);
    expect([throttle.tryAcquire('slow'), throttle.tryAcquire('slow'), throttle.tryAcquire('slow')]).toEqual([true, true, false]);
    expect(throttle.tryAcquire('fast')).toBe(true);
    expect(throttle.saturated()).toEqual(['slow']);
    throttle.release('slow');
    expect(throttle.tryAcquire('slow')).toBe(true);
  });

  it('caps callbacks started per second per endpoint, refilling over time', () => {
    let now = 0;
    const throttle = new EndpointThrottle(100, 2, () => now);
    const start = () => {
      const ok = throttle.tryAcquire('e');
      if (ok) throttle.release('e');
      return ok;
    };
    expect([start(), start(), start()]).toEqual([true, true, false]);
    expect(throttle.waitFor('e')).toBe(500);
    now = 500;
    expect(start()).toBe(true);
    expect(start()).toBe(false);
  });
});
