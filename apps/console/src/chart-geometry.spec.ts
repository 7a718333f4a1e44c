import { CHART_HEIGHT, CHART_WIDTH, chartGeometry } from './chart-geometry';

const at = (minute: number) => `2026-11-30T10:${String(minute).padStart(2, '0')}:00Z`;

describe('the geometry of a value chart', () => {
  it('puts time left to right and larger values higher, inside the box', () => {
    const chart = chartGeometry([{ at: at(0), value: 10 }, { at: at(1), value: 30 }, { at: at(3), value: 20 }], []);
    const [a, b, c] = chart.points;
    expect(a.x).toBeLessThan(b.x);
    expect(b.x).toBeLessThan(c.x);
    // spaced by time: the third point is two minutes after the second, the second one after the first
    expect(c.x - b.x).toBeCloseTo(2 * (b.x - a.x), 0);
    expect(b.y).toBeLessThan(c.y);
    expect(c.y).toBeLessThan(a.y);
    for (const p of chart.points) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(CHART_WIDTH);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeLessThanOrEqual(CHART_HEIGHT);
    }
    expect(chart.line).toBe(`M${a.x} ${a.y} L${b.x} ${b.y} L${c.x} ${c.y}`);
  });

  it('covers every threshold, even one far from the values', () => {
    const chart = chartGeometry([{ at: at(0), value: 10 }, { at: at(1), value: 12 }], [{ value: 1000, label: 'threshold 1000' }]);
    expect(chart.max).toBe(1000);
    expect(chart.thresholds).toEqual([{ y: expect.any(Number), value: 1000, label: 'threshold 1000' }]);
    expect(chart.thresholds[0].y).toBeLessThan(Math.min(...chart.points.map((p) => p.y)));
  });

  it('draws one value, or equal ones, mid-height; values at one instant by their order', () => {
    const one = chartGeometry([{ at: at(0), value: 5 }], []);
    expect(one.points).toHaveLength(1);
    expect(one.points[0].x).toBeCloseTo(CHART_WIDTH / 2, 0);
    const flat = chartGeometry([{ at: at(0), value: 0 }, { at: at(0), value: 0 }], []);
    expect(flat.points[0].y).toBe(flat.points[1].y);
    expect(flat.points[0].x).toBeLessThan(flat.points[1].x);
    expect(flat.min).toBeLessThan(0);
    expect(flat.max).toBeGreaterThan(0);
  });

  it('draws nothing for no values, but still the thresholds', () => {
    const chart = chartGeometry([], [{ value: 3, label: 'threshold 3' }]);
    expect(chart.points).toEqual([]);
    expect(chart.line).toBe('');
    expect(chart.thresholds).toHaveLength(1);
  });
});
