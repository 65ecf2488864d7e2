/**
 * Sentinel's counters, kept cheap for the request path: fixed typed arrays indexed by status
 * class and outcome, no labels built per request, no allocation. A snapshot is plain numbers so
 * cluster workers can send theirs to the primary, which adds them up (merge-snapshots.ts).
 */

export const statusClasses = ["other", "1xx", "2xx", "3xx", "4xx", "5xx"] as const;
export const outcomes = ["allowed", "denied", "error"] as const;
export type RequestOutcome = (typeof outcomes)[number];

/** Upper bounds of the upstream latency histogram, in seconds (Prometheus' `le`). */
export const latencyBucketsSeconds = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
] as const;

export interface MetricsSnapshot {
  /** Indexed `statusClassIndex * outcomes.length + outcomeIndex`. */
  requests: number[];
  /** Per bucket (not cumulative), then one for +Inf. */
  upstreamLatencyBuckets: number[];
  upstreamLatencySumSeconds: number;
  wakes: number;
  droppedLogs: number;
  /** Epoch ms the config in force was loaded; 0 when none has been. */
  configLoadedAt: number;
}

export interface MetricSources {
  droppedLogs: () => number;
  /** Deployments woken from idle (the DeploymentWaker's count). */
  wakes: () => number;
  configLoadedAt: () => number;
}

const outcomeIndex: Record<RequestOutcome, number> = { allowed: 0, denied: 1, error: 2 };

export function statusClassIndex(status: number): number {
  return status >= 100 && status < 600 ? Math.floor(status / 100) : 0;
}

export class RequestMetrics {
  private readonly requests = new Float64Array(statusClasses.length * outcomes.length);
  private readonly buckets = new Float64Array(latencyBucketsSeconds.length + 1);
  private latencySum = 0;

  constructor(private readonly sources: MetricSources) {}

  /** One answered request; `upstreamMs` only when it reached an instance. */
  request(status: number, outcome: RequestOutcome, upstreamMs: number | undefined): void {
    this.requests[statusClassIndex(status) * outcomes.length + outcomeIndex[outcome]]! += 1;
    if (upstreamMs === undefined) return;
    const seconds = upstreamMs / 1000;
    this.latencySum += seconds;
    let i = 0;
    while (i < latencyBucketsSeconds.length && seconds > latencyBucketsSeconds[i]!) i++;
    this.buckets[i]! += 1;
  }

  snapshot(): MetricsSnapshot {
    return {
      requests: Array.from(this.requests),
      upstreamLatencyBuckets: Array.from(this.buckets),
      upstreamLatencySumSeconds: this.latencySum,
      wakes: this.sources.wakes(),
      droppedLogs: this.sources.droppedLogs(),
      configLoadedAt: this.sources.configLoadedAt(),
    };
  }
}

/** Adds up workers' snapshots; the config age is the oldest worker's (the one furthest behind). */
export function mergeSnapshots(snapshots: readonly MetricsSnapshot[]): MetricsSnapshot {
  const sum = (pick: (s: MetricsSnapshot) => number) =>
    snapshots.reduce((total, s) => total + pick(s), 0);
  const sumArrays = (pick: (s: MetricsSnapshot) => number[], length: number) =>
    Array.from({ length }, (_, i) => sum((s) => pick(s)[i] ?? 0));
  const loaded = snapshots.map((s) => s.configLoadedAt);
  return {
    requests: sumArrays((s) => s.requests, statusClasses.length * outcomes.length),
    upstreamLatencyBuckets: sumArrays(
      (s) => s.upstreamLatencyBuckets,
      latencyBucketsSeconds.length + 1,
    ),
    upstreamLatencySumSeconds: sum((s) => s.upstreamLatencySumSeconds),
    wakes: sum((s) => s.wakes),
    droppedLogs: sum((s) => s.droppedLogs),
    configLoadedAt: loaded.length === 0 || loaded.includes(0) ? 0 : Math.min(...loaded),
  };
}
