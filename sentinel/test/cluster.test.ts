import { afterAll, describe, expect, it } from "vitest";
import { startUpstream } from "./harness.js";
import { get, type SentinelProcess, sample, startSentinelProcess } from "./sentinel-process.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("cluster mode", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("serves from two workers and drains in-flight requests on SIGTERM", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const upstream = await startUpstream("app", async (req, res) => {
      if (req.url === "/slow") await held;
      res.end(req.url === "/slow" ? "finished" : "quick");
    });
    cleanups.push(() => upstream.close());
    const sentinel: SentinelProcess = await startSentinelProcess(
      {
        routes: [{ hosts: ["app.example"], environmentId: "env_1", deploymentId: "dep_1" }],
        instances: { dep_1: [upstream.instance("eu-1")] },
      },
      { SENTINEL_WORKERS: "2", SENTINEL_DRAIN_TIMEOUT_MS: "20000" },
    );
    cleanups.push(() => sentinel.stop());

    // New connections go to the workers in turn; a handful reaches both.
    for (let i = 0; i < 10; i++) {
      expect(await get(sentinel.port, "/", "app.example")).toEqual({ status: 200, body: "quick" });
    }
    const metrics = await get(sentinel.adminPort, "/metrics");
    if (!("status" in metrics)) throw new Error(metrics.error);
    expect(sample(metrics.body, "sentinel_workers")).toBe(2);
    const perWorker = metrics.body
      .split("\n")
      .filter((line) => line.startsWith("sentinel_worker_requests_total{"))
      .map((line) => Number(line.split(" ")[1]));
    expect(perWorker).toHaveLength(2);
    expect(perWorker.every((count) => count > 0)).toBe(true);
    // Summed over both workers.
    expect(
      sample(metrics.body, 'sentinel_requests_total{status_class="2xx",outcome="allowed"}'),
    ).toBe(10);

    const inFlight = get(sentinel.port, "/slow", "app.example");
    while (!upstream.received.some((r) => r.url === "/slow")) await sleep(20);
    sentinel.child.kill("SIGTERM");
    // Draining: readiness fails at once, so a load balancer stops sending new requests.
    for (;;) {
      const ready = await get(sentinel.adminPort, "/readyz");
      if ("status" in ready && ready.status === 503) break;
      await sleep(20);
    }
    release();
    expect(await inFlight).toEqual({ status: 200, body: "finished" });
    expect(await sentinel.exited).toBe(0);
    expect(sentinel.output()).toContain('"msg":"stopped"');
    expect(await get(sentinel.port, "/", "app.example")).toEqual({ error: "ECONNREFUSED" });
  });
});
