import type { RequestLogStats, StatusClass } from "../api/slipway";

export const chartClasses: readonly StatusClass[] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/** The chart's data: one slot per bucket of the window, empty buckets included. */
export interface ChartSeries {
  starts: number[];
  bucketMs: number;
  /** Requests per class per bucket (0 when none). */
  counts: Record<StatusClass, number[]>;
  /** Latency per class per bucket; null where the class saw no request. */
  p50: Record<StatusClass, Array<number | null>>;
  p99: Record<StatusClass, Array<number | null>>;
  /** Classes with at least one request, in class order. */
  present: StatusClass[];
  maxTotal: number;
  maxLatency: number;
  total: number;
}

/** The most buckets drawn; the API's default width gives at most 120. */
export const maxChartBuckets = 400;

const perClass = <T>(make: () => T): Record<StatusClass, T> =>
  Object.fromEntries(chartClasses.map((statusClass) => [statusClass, make()])) as Record<
    StatusClass,
    T
  >;

/** Pure: the stats endpoint's sparse rows as dense series over the whole window. */
export function chartSeries(stats: RequestLogStats): ChartSeries {
  const bucketCount = Math.min(
    maxChartBuckets,
    Math.max(1, Math.ceil((stats.until - stats.since) / stats.bucketMs)),
  );
  const starts = Array.from(
    { length: bucketCount },
    (_, index) => stats.since + index * stats.bucketMs,
  );
  const counts = perClass(() => new Array<number>(bucketCount).fill(0));
  const p50 = perClass(() => new Array<number | null>(bucketCount).fill(null));
  const p99 = perClass(() => new Array<number | null>(bucketCount).fill(null));
  for (const bucket of stats.buckets) {
    const index = Math.floor((bucket.start - stats.since) / stats.bucketMs);
    if (index < 0 || index >= bucketCount) continue;
    counts[bucket.statusClass][index] = bucket.count;
    p50[bucket.statusClass][index] = bucket.p50LatencyMs;
    p99[bucket.statusClass][index] = bucket.p99LatencyMs;
  }
  const totals = starts.map((_, index) =>
    chartClasses.reduce((sum, statusClass) => sum + counts[statusClass][index]!, 0),
  );
  return {
    starts,
    bucketMs: stats.bucketMs,
    counts,
    p50,
    p99,
    present: chartClasses.filter((statusClass) => counts[statusClass].some((count) => count > 0)),
    maxTotal: Math.max(0, ...totals),
    maxLatency: Math.max(0, ...stats.buckets.map((bucket) => bucket.p99LatencyMs)),
    total: totals.reduce((sum, count) => sum + count, 0),
  };
}

/**
 * Pure: an SVG path through the points, a new segment after every gap (a bucket where the
 * class saw nothing is not drawn as zero latency).
 */
export function linePath(
  values: Array<number | null>,
  x: (index: number) => number,
  y: (value: number) => number,
): string {
  let path = "";
  let drawing = false;
  values.forEach((value, index) => {
    if (value === null) {
      drawing = false;
      return;
    }
    // `h0` after a move: a lone point is drawn as a dot (round caps), not left invisible.
    path += `${drawing ? "L" : "M"}${x(index).toFixed(1)} ${y(value).toFixed(1)}${drawing ? "" : "h0"}`;
    drawing = true;
  });
  return path;
}
