import { describe, expect, it } from "vitest";
import { renderMetrics } from "./exposition.js";
import { mergeSnapshots, RequestMetrics } from "./request-metrics.js";

const metricsWith = (dropped: number, loadedAt: number, wakes = 0) =>
  new RequestMetrics({
    droppedLogs: () => dropped,
    configLoadedAt: () => loadedAt,
    wakes: () => wakes,
  });

describe("request metrics", () => {
  it("counts by status class and outcome and renders cumulative latency buckets", () => {
    const metrics = metricsWith(3, 1_000, 1);
    metrics.request(200, "allowed", 0.8);
    metrics.request(204, "allowed", 3);
    metrics.request(403, "denied", undefined);
    metrics.request(502, "error", 40_000);
    const text = renderMetrics(metrics.snapshot(), 11_000, { workers: 1 });
    expect(text).toContain('sentinel_requests_total{status_class="2xx",outcome="allowed"} 2\n');
    expect(text).toContain('sentinel_requests_total{status_class="4xx",outcome="denied"} 1\n');
    expect(text).toContain('sentinel_requests_total{status_class="5xx",outcome="error"} 1\n');
    expect(text).toContain('sentinel_requests_total{status_class="4xx",outcome="allowed"} 0\n');
    expect(text).toContain('sentinel_upstream_latency_seconds_bucket{le="0.001"} 1\n');
    expect(text).toContain('sentinel_upstream_latency_seconds_bucket{le="0.005"} 2\n');
    expect(text).toContain('sentinel_upstream_latency_seconds_bucket{le="30"} 2\n');
    expect(text).toContain('sentinel_upstream_latency_seconds_bucket{le="+Inf"} 3\n');
    expect(text).toContain("sentinel_upstream_latency_seconds_count 3\n");
    expect(text).toContain("sentinel_wakes_total 1\n");
    expect(text).toContain("sentinel_request_logs_dropped_total 3\n");
    expect(text).toContain("sentinel_config_age_seconds 10\n");
  });

  it("adds workers up and reports the oldest config, or -1 while one has none", () => {
    const a = metricsWith(1, 5_000);
    const b = metricsWith(2, 2_000, 1);
    a.request(200, "allowed", 1);
    b.request(200, "allowed", 1);
    const merged = mergeSnapshots([a.snapshot(), b.snapshot()]);
    const text = renderMetrics(merged, 6_000, { workers: 2 });
    expect(text).toContain('sentinel_requests_total{status_class="2xx",outcome="allowed"} 2\n');
    expect(text).toContain("sentinel_request_logs_dropped_total 3\n");
    expect(text).toContain("sentinel_wakes_total 1\n");
    expect(text).toContain("sentinel_config_age_seconds 4\n");
    expect(text).toContain("sentinel_workers 2\n");
    const unloaded = mergeSnapshots([a.snapshot(), metricsWith(0, 0).snapshot()]);
    expect(renderMetrics(unloaded, 6_000, { workers: 2 })).toContain(
      "sentinel_config_age_seconds -1\n",
    );
  });
});
