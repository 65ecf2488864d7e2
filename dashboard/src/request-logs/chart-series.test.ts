import { describe, expect, it } from "vitest";
import { chartSeries, linePath } from "./chart-series";

describe("chartSeries", () => {
  it("fills the window densely: empty buckets count zero and have no latency", () => {
    const series = chartSeries({
      since: 0,
      until: 4000,
      bucketMs: 1000,
      buckets: [
        { start: 0, statusClass: "2xx", count: 3, p50LatencyMs: 10, p99LatencyMs: 30 },
        { start: 0, statusClass: "5xx", count: 1, p50LatencyMs: 90, p99LatencyMs: 90 },
        { start: 2000, statusClass: "2xx", count: 5, p50LatencyMs: 12, p99LatencyMs: 40 },
        { start: 99_000, statusClass: "2xx", count: 7, p50LatencyMs: 1, p99LatencyMs: 1 },
      ],
    });
    expect(series.starts).toEqual([0, 1000, 2000, 3000]);
    expect(series.counts["2xx"]).toEqual([3, 0, 5, 0]);
    expect(series.p99["2xx"]).toEqual([30, null, 40, null]);
    expect(series.present).toEqual(["2xx", "5xx"]);
    expect(series.maxTotal).toBe(5);
    expect(series.maxLatency).toBe(90);
    expect(series.total).toBe(9);
  });

  it("breaks a latency line where a class saw nothing, and dots a lone point", () => {
    expect(
      linePath(
        [1, 2, null, 4],
        (index) => index,
        (value) => value,
      ),
    ).toBe("M0.0 1.0h0L1.0 2.0M3.0 4.0h0");
  });
});
