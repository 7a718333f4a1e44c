import type { RefreshComponent } from '@tripline/contracts';
import { componentsWithin } from './payload-components';

const component = (n: number, status: RefreshComponent['status']): RefreshComponent => ({ kind: 'segment', id: `seg-${n}`, name: `Segment ${n} ${'x'.repeat(400)}`, status });

describe('a full refresh payload lists its components within a byte budget', () => {
  it('keeps a small list whole and in order', () => {
    const list = [component(1, 'succeeded'), component(2, 'failed')];
    expect(componentsWithin(list, 32 * 1024)).toEqual({ components: list, truncated: false });
  });

  it('cuts a large list to the budget, the components that did not succeed first', () => {
    const list = Array.from({ length: 10_000 }, (_, n) => component(n, n % 1000 === 999 ? 'failed' : 'succeeded'));
    const { components, truncated } = componentsWithin(list, 32 * 1024);
    expect(truncated).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(components))).toBeLessThanOrEqual(32 * 1024);
    expect(components.slice(0, 10).map((c) => c.id)).toEqual(list.filter((c) => c.status === 'failed').map((c) => c.id));
    expect(components[10].id).toBe('seg-0');
  });
});
