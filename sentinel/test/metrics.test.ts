import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUpstream } from "./harness.js";
import { get, type SentinelProcess, sample, startSentinelProcess } from "./sentinel-process.js";

const requests = (statusClass: string, outcome: string) =>
  `sentinel_requests_total{status_class="${statusClass}",outcome="${outcome}"}`;

describe("metrics on the admin port", () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let sentinel: SentinelProcess;

  beforeAll(async () => {
    upstream = await startUpstream("app");
    sentinel = await startSentinelProcess(
      {
        routes: [
          {
            hosts: ["app.example"],
            environmentId: "env_1",
            deploymentId: "dep_1",
            policies: [
              {
                id: "pol_admin",
                name: "no admin",
                enabled: true,
                match: [{ path: { path: { prefix: "/admin" } } }],
                firewall: { action: "ACTION_DENY" },
              },
            ],
          },
        ],
        instances: { dep_1: [{ ...upstream.instance("eu-1") }] },
      },
      { SENTINEL_WORKERS: "1" },
    );
  });

  afterAll(async () => {
    await sentinel?.stop();
    await upstream?.close();
  });

  it("counts allowed, denied and failed requests and the upstream latency", async () => {
    const scrape = async () => {
      const response = await get(sentinel.adminPort, "/metrics");
      if (!("status" in response)) throw new Error(response.error);
      return response.body;
    };
    const before = await scrape();
    expect(sample(before, requests("2xx", "allowed"))).toBe(0);
    expect(sample(before, "sentinel_config_age_seconds")).toBeGreaterThanOrEqual(0);

    for (let i = 0; i < 3; i++) {
      expect(await get(sentinel.port, "/hello", "app.example")).toMatchObject({ status: 200 });
    }
    for (let i = 0; i < 2; i++) {
      expect(await get(sentinel.port, "/admin/users", "app.example")).toMatchObject({
        status: 403,
      });
    }
    expect(await get(sentinel.port, "/", "nobody.example")).toMatchObject({ status: 404 });

    const after = await scrape();
    expect(sample(after, requests("2xx", "allowed"))).toBe(3);
    expect(sample(after, requests("4xx", "denied"))).toBe(2);
    expect(sample(after, requests("4xx", "error"))).toBe(1);
    expect(sample(after, requests("5xx", "error"))).toBe(0);
    // Only the requests that reached the app have an upstream latency.
    expect(sample(after, "sentinel_upstream_latency_seconds_count")).toBe(3);
    expect(sample(after, 'sentinel_upstream_latency_seconds_bucket{le="+Inf"}')).toBe(3);
    expect(sample(after, "sentinel_request_logs_dropped_total")).toBe(0);
    expect(sample(after, "sentinel_workers")).toBe(1);
    expect(upstream.received.map((r) => r.url)).toEqual(["/hello", "/hello", "/hello"]);
  });

  it("answers health and readiness there, and nothing else", async () => {
    expect(await get(sentinel.adminPort, "/healthz")).toEqual({ status: 200, body: "ok\n" });
    expect(await get(sentinel.adminPort, "/readyz")).toEqual({ status: 200, body: "ready\n" });
    expect(await get(sentinel.adminPort, "/hello")).toMatchObject({ status: 404 });
    // The traffic port does not serve the admin paths: /metrics there is routed like any path.
    expect(await get(sentinel.port, "/metrics", "nobody.example")).toMatchObject({ status: 404 });
  });
});
