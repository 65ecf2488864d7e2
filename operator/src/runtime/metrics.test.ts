import { describe, expect, it } from "vitest";
import { Metrics } from "./metrics.js";

describe("Metrics", () => {
  it("renders counters, gauges and histograms in the Prometheus text format", () => {
    const metrics = new Metrics();
    metrics.inc("slipway_operator_reconcile_total", { result: "success" });
    metrics.inc("slipway_operator_reconcile_total", { result: "success" });
    metrics.set("slipway_operator_workqueue_depth", 3);
    metrics.observe("slipway_operator_reconcile_duration_seconds", 0.02);
    const text = metrics.render();
    expect(text).toContain("# TYPE slipway_operator_reconcile_total counter");
    expect(text).toContain('slipway_operator_reconcile_total{result="success"} 2');
    expect(text).toContain("slipway_operator_workqueue_depth 3");
    expect(text).toContain('slipway_operator_reconcile_duration_seconds_bucket{le="0.01"} 0');
    expect(text).toContain('slipway_operator_reconcile_duration_seconds_bucket{le="0.025"} 1');
    expect(text).toContain('slipway_operator_reconcile_duration_seconds_bucket{le="+Inf"} 1');
    expect(text).toContain("slipway_operator_reconcile_duration_seconds_count 1");
    expect(metrics.value("slipway_operator_reconcile_total", { result: "success" })).toBe(2);
  });
});
