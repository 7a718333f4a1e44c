import { crossesAbove } from './threshold-crossing';

describe('crossesAbove', () => {
  it.each([
    ['below → above fires', 5, 15, 10, true],
    ['equal → above fires (equal is not above)', 10, 11, 10, true],
    ['above → above does not fire', 11, 20, 10, false],
    ['below → equal does not fire', 9, 10, 10, false],
    ['above → below does not fire', 15, 5, 10, false],
    ['below → below does not fire', 1, 2, 10, false],
    ['no previous value (first observation) does not fire', null, 50, 10, false],
    ['fractional thresholds: 0.5 → 0.51 over 0.5 fires', 0.5, 0.51, 0.5, true],
    ['negative thresholds: -3 → -1 over -2 fires', -3, -1, -2, true],
  ] as const)('%s', (_, previous, current, threshold, fires) => {
    expect(crossesAbove(previous, current, threshold)).toBe(fires);
  });

  it('fires twice for above → below → above, once per crossing', () => {
    const values = [5, 15, 20, 8, 12, 13];
    const firings = values.slice(1).filter((v, i) => crossesAbove(values[i], v, 10));
    expect(firings).toEqual([15, 12]);
  });
});
