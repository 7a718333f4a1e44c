import { useId } from 'react';
import { type ChartThreshold, type ChartValue, chartGeometry } from '../chart-geometry';
import { formatTime } from '../format';
import { formatNumber } from '../platform-state-format';

/**
 * A small line chart of recent values with each threshold drawn across it, labelled. Our own
 * SVG, no chart library; positions are presentation attributes and every style is in styles.css
 * (the Content-Security-Policy refuses `style=`). Its accessible name is its `<title>`, which says
 * in words what it draws; each point's own `<title>` gives its value and time on hover.
 */
export function ValueChart({ title, values, thresholds }: { title: string; values: readonly ChartValue[]; thresholds: readonly ChartThreshold[] }) {
  const titleId = useId();
  const chart = chartGeometry(values, thresholds);
  return (
    <svg className="value-chart" viewBox={`0 0 ${chart.width} ${chart.height}`} role="img" aria-labelledby={titleId}>
      <title id={titleId}>{title}</title>
      <line className="chart-axis" x1={0} y1={chart.height - 1} x2={chart.width} y2={chart.height - 1} />
      {chart.thresholds.map((t) => (
        <g key={t.value} className="chart-threshold">
          <line x1={0} y1={t.y} x2={chart.width} y2={t.y} />
          <text x={chart.width - 4} y={t.y - 3} textAnchor="end">
            {t.label}
          </text>
        </g>
      ))}
      {chart.line && <path className="chart-line" d={chart.line} />}
      {chart.points.map((p) => (
        <circle key={`${p.at}|${p.x}`} className="chart-point" cx={p.x} cy={p.y} r={2.5}>
          <title>{`${formatNumber(p.value)} at ${formatTime(p.at)}`}</title>
        </circle>
      ))}
    </svg>
  );
}
