import {
  latencyBucketsSeconds,
  type MetricsSnapshot,
  outcomes,
  statusClasses,
} from "./request-metrics.js";

/** The Prometheus text exposition format (version 0.0.4) content type. */
export const expositionContentType = "text/plain; version=0.0.4; charset=utf-8";

function family(name: string, type: "counter" | "gauge" | "histogram", help: string): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`;
}

/** Renders a (merged) snapshot. Pure: `now` is passed in for the config age. */
export function renderMetrics(
  snapshot: MetricsSnapshot,
  now: number,
  extra: { workers: number },
): string {
  let text = family(
    "sentinel_requests_total",
    "counter",
    "Requests answered, by response status class and policy outcome.",
  );
  statusClasses.forEach((statusClass, c) => {
    outcomes.forEach((outcome, o) => {
      const value = snapshot.requests[c * outcomes.length + o] ?? 0;
      text += `sentinel_requests_total{status_class="${statusClass}",outcome="${outcome}"} ${value}\n`;
    });
  });

  text += family(
    "sentinel_upstream_latency_seconds",
    "histogram",
    "Time from sending a request to an instance until its response body ended.",
  );
  let cumulative = 0;
  latencyBucketsSeconds.forEach((bound, i) => {
    cumulative += snapshot.upstreamLatencyBuckets[i] ?? 0;
    text += `sentinel_upstream_latency_seconds_bucket{le="${bound}"} ${cumulative}\n`;
  });
  cumulative += snapshot.upstreamLatencyBuckets[latencyBucketsSeconds.length] ?? 0;
  text += `sentinel_upstream_latency_seconds_bucket{le="+Inf"} ${cumulative}\n`;
  text += `sentinel_upstream_latency_seconds_sum ${snapshot.upstreamLatencySumSeconds}\n`;
  text += `sentinel_upstream_latency_seconds_count ${cumulative}\n`;

  text += family("sentinel_wakes_total", "counter", "Deployments woken from idle by a request.");
  text += `sentinel_wakes_total ${snapshot.wakes}\n`;
  text += family(
    "sentinel_request_logs_dropped_total",
    "counter",
    "Request log records dropped because the log store failed or fell behind.",
  );
  text += `sentinel_request_logs_dropped_total ${snapshot.droppedLogs}\n`;
  text += family(
    "sentinel_config_age_seconds",
    "gauge",
    "Seconds since the routing config in force was loaded (the oldest worker's); -1 before the first load.",
  );
  const age = snapshot.configLoadedAt > 0 ? Math.max(0, now - snapshot.configLoadedAt) / 1000 : -1;
  text += `sentinel_config_age_seconds ${age}\n`;
  text += family("sentinel_workers", "gauge", "Worker processes serving requests.");
  text += `sentinel_workers ${extra.workers}\n`;
  return text;
}
