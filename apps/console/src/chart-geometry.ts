// The geometry of the small value charts, pure, so the scaling rules have tests of their own
// (components/value-chart.tsx draws it). SVG user units; the chart scales to its box with CSS.

export interface ChartValue {
  at: string;
  value: number;
}

export interface ChartThreshold {
  value: number;
  label: string;
}

export interface ChartGeometry {
  width: number;
  height: number;
  points: Array<{ x: number; y: number; value: number; at: string }>;
  /** The line through the points, as a path's `d`; empty without points. */
  line: string;
  thresholds: Array<{ y: number; value: number; label: string }>;
  min: number;
  max: number;
}

export const CHART_WIDTH = 320;
export const CHART_HEIGHT = 96;
/** Room around the plot: a point's circle and a threshold's label stay inside the box. */
const PAD = { top: 14, right: 6, bottom: 8, left: 6 };

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * Where each value and threshold goes: time runs left to right (by index when every value has
 * the same instant), and the vertical range covers the values and every threshold, so a threshold
 * far above the values is still drawn, at the top. A flat range is widened, so one value or equal
 * values sit mid-height instead of on an edge.
 */
export function chartGeometry(values: readonly ChartValue[], thresholds: readonly ChartThreshold[], width = CHART_WIDTH, height = CHART_HEIGHT): ChartGeometry {
  const all = [...values.map((v) => v.value), ...thresholds.map((t) => t.value)].filter(Number.isFinite);
  let min = all.length ? Math.min(...all) : 0;
  let max = all.length ? Math.max(...all) : 1;
  if (min === max) {
    const spread = Math.abs(min) * 0.1 || 1;
    min -= spread;
    max += spread;
  }
  const plotWidth = width - PAD.left - PAD.right;
  const plotHeight = height - PAD.top - PAD.bottom;
  const y = (value: number) => round(PAD.top + ((max - value) / (max - min)) * plotHeight);

  const times = values.map((v) => Date.parse(v.at));
  const first = Math.min(...times);
  const span = Math.max(...times) - first;
  const byTime = values.length > 1 && Number.isFinite(span) && span > 0;
  const x = (index: number) => {
    if (values.length === 1) return round(PAD.left + plotWidth / 2);
    const share = byTime ? (times[index] - first) / span : index / (values.length - 1);
    return round(PAD.left + share * plotWidth);
  };

  const points = values.map((v, index) => ({ x: x(index), y: y(v.value), value: v.value, at: v.at }));
  return {
    width,
    height,
    points,
    line: points.map((p, index) => `${index === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join(' '),
    thresholds: thresholds.filter((t) => Number.isFinite(t.value)).map((t) => ({ y: y(t.value), value: t.value, label: t.label })),
    min,
    max,
  };
}
