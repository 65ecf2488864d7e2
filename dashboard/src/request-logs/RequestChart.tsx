import type { RequestLogStats, StatusClass } from "../api/slipway";
import { type ChartSeries, chartSeries, linePath } from "./chart-series";

const width = 720;
const panelHeight = 120;
const left = 72;
const right = 8;
const plotWidth = width - left - right;

const time = (epochMs: number) =>
  new Date(epochMs).toLocaleString([], {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });

/** Whole milliseconds, one decimal under 10 ms. */
const milliseconds = (value: number) =>
  `${value < 10 ? Math.round(value * 10) / 10 : Math.round(value)} ms`;

/**
 * Requests per bucket stacked by status class, and p50 (dashed) and p99 (solid) latency per
 * class, in plain SVG (no chart library: the page stays within its first-load budget).
 */
export function RequestChart({ stats }: { stats: RequestLogStats }) {
  const series = chartSeries(stats);
  if (series.total === 0) return null;
  const slot = plotWidth / series.starts.length;
  const x = (index: number) => left + index * slot;
  const summary = series.present
    .map(
      (statusClass) => `${statusClass}: ${series.counts[statusClass].reduce((a, b) => a + b, 0)}`,
    )
    .join(", ");
  return (
    <figure className="request-chart">
      <figcaption>
        Requests and latency by status class, {time(stats.since)} to {time(stats.until)} (
        {bucketLabel(stats.bucketMs)} buckets)
        <ul className="chart-legend" aria-label="Status classes">
          {series.present.map((statusClass) => (
            <li key={statusClass}>
              <span className={`swatch class-${statusClass}`} aria-hidden="true" /> {statusClass}
            </li>
          ))}
          <li className="muted">latency: p99 solid, p50 dashed</li>
        </ul>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${panelHeight * 2 + 40}`}
        role="img"
        aria-label={`${series.total} ${series.total === 1 ? "request" : "requests"} (${summary}); p99 latency up to ${milliseconds(series.maxLatency)}`}
      >
        <CountPanel series={series} slot={slot} x={x} />
        <LatencyPanel series={series} slot={slot} x={x} />
        <text className="axis" x={left} y={panelHeight * 2 + 36}>
          {time(stats.since)}
        </text>
        <text className="axis" x={width - right} y={panelHeight * 2 + 36} textAnchor="end">
          {time(stats.until)}
        </text>
      </svg>
    </figure>
  );
}

function bucketLabel(bucketMs: number): string {
  if (bucketMs % 3_600_000 === 0) return `${bucketMs / 3_600_000} h`;
  if (bucketMs % 60_000 === 0) return `${bucketMs / 60_000} min`;
  return `${Math.round(bucketMs / 1000)} s`;
}

interface PanelProps {
  series: ChartSeries;
  slot: number;
  x: (index: number) => number;
}

function CountPanel({ series, slot, x }: PanelProps) {
  const scale = (count: number) => (count / Math.max(series.maxTotal, 1)) * (panelHeight - 16);
  return (
    <g data-panel="requests">
      <text className="axis" x={left - 6} y={14} textAnchor="end">
        {series.maxTotal}
      </text>
      <text className="axis" x={left - 6} y={panelHeight} textAnchor="end">
        0
      </text>
      <line className="baseline" x1={left} x2={width - right} y1={panelHeight} y2={panelHeight} />
      {series.starts.map((start, index) => {
        let top = panelHeight;
        return (
          <g key={start}>
            {series.present.map((statusClass: StatusClass) => {
              const count = series.counts[statusClass][index]!;
              if (count === 0) return null;
              const height = scale(count);
              top -= height;
              return (
                <rect
                  key={statusClass}
                  className={`bar class-${statusClass}`}
                  x={x(index) + slot * 0.1}
                  y={top}
                  width={Math.max(slot * 0.8, 1)}
                  height={height}
                />
              );
            })}
          </g>
        );
      })}
    </g>
  );
}

function LatencyPanel({ series, slot, x }: PanelProps) {
  const top = panelHeight + 20;
  const y = (latency: number) =>
    top + panelHeight - (latency / Math.max(series.maxLatency, 1)) * (panelHeight - 16);
  const center = (index: number) => x(index) + slot / 2;
  return (
    <g data-panel="latency">
      <text className="axis" x={left - 6} y={top + 14} textAnchor="end">
        {milliseconds(series.maxLatency)}
      </text>
      <line
        className="baseline"
        x1={left}
        x2={width - right}
        y1={top + panelHeight}
        y2={top + panelHeight}
      />
      {series.present.map((statusClass) => (
        <g key={statusClass} className={`latency class-${statusClass}`}>
          <path className="p99" d={linePath(series.p99[statusClass], center, y)} />
          <path className="p50" d={linePath(series.p50[statusClass], center, y)} />
        </g>
      ))}
    </g>
  );
}
