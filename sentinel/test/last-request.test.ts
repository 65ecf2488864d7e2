import { type ChildProcess, spawn } from "node:child_process";
import { findFreePort } from "@slipway/shared/free-ports";
import { lastRequestKey } from "@slipway/shared/gateway";
import { eventually } from "@slipway/testbed/test-helpers";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LastRequestReporter } from "../src/wake/last-request-reporter.js";
import { rawRequest, route, startSentinel, startUpstream } from "./harness.js";

// Sentinel tells the control plane's preview idler when each deployment last had a request, in
// a real Redis, at most once per interval per process whatever the traffic.

let redisServer: ChildProcess;
let redis: Redis;

beforeAll(async () => {
  const port = await findFreePort();
  redisServer = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  redis = new Redis(port, "127.0.0.1", { maxRetriesPerRequest: 1 });
  // Refused until redis-server listens; the ping below waits for it.
  redis.on("error", () => undefined);
  await eventually("redis", async () =>
    (await redis.ping().catch(() => "")) === "PONG" ? true : undefined,
  );
});
afterAll(async () => {
  redis?.disconnect();
  redisServer?.kill();
});

const setCalls = async () => {
  const stats = await redis.info("commandstats");
  return Number(/cmdstat_set:calls=(\d+)/.exec(stats)?.[1] ?? 0);
};

describe("last-request times", () => {
  it("records a deployment's request time once per interval, with an expiry", async () => {
    let now = Date.UTC(2026, 11, 2, 12);
    const upstream = await startUpstream("app");
    const sentinel = await startSentinel({
      activity: new LastRequestReporter({
        store: redis,
        prefix: "slipway:",
        intervalMs: 10_000,
        clock: () => now,
      }),
    });
    sentinel.instances.set("dep_01ACTIVE", [upstream.instance("eu-1")]);
    sentinel.setRoutes([route("active.example", "dep_01ACTIVE")]);
    const key = lastRequestKey("slipway:", "dep_01ACTIVE");
    try {
      const before = await setCalls();
      for (let i = 0; i < 20; i++) {
        const response = await rawRequest(sentinel.port, {
          path: "/",
          headers: { host: "active.example" },
        });
        expect(response.status).toBe(200);
      }
      await eventually("the key", async () => ((await redis.get(key)) ? true : undefined));
      expect(await redis.get(key)).toBe(String(now));
      expect(await setCalls()).toBe(before + 1);
      expect(await redis.ttl(key)).toBeGreaterThan(24 * 3600);

      // A request after the interval moves the time on.
      now += 10_000;
      await rawRequest(sentinel.port, { path: "/", headers: { host: "active.example" } });
      await eventually("the newer time", async () =>
        (await redis.get(key)) === String(now) ? true : undefined,
      );
      expect(await setCalls()).toBe(before + 2);
    } finally {
      await sentinel.close();
      await upstream.close();
    }
  });

  it("keeps serving when Redis is unreachable", async () => {
    const errors: unknown[] = [];
    const unreachable = new Redis(await findFreePort(), "127.0.0.1", {
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      enableOfflineQueue: false,
    });
    unreachable.on("error", () => undefined);
    const upstream = await startUpstream("app");
    const sentinel = await startSentinel({
      activity: new LastRequestReporter({
        store: unreachable,
        prefix: "slipway:",
        intervalMs: 10_000,
        clock: Date.now,
        onError: (error) => errors.push(error),
      }),
    });
    sentinel.instances.set("dep_01NOREDIS", [upstream.instance("eu-1")]);
    sentinel.setRoutes([route("noredis.example", "dep_01NOREDIS")]);
    try {
      const response = await rawRequest(sentinel.port, {
        path: "/",
        headers: { host: "noredis.example" },
      });
      expect(response.status).toBe(200);
      await eventually("the reported error", async () => (errors.length > 0 ? true : undefined));
    } finally {
      await sentinel.close();
      await upstream.close();
      unreachable.disconnect();
    }
  });
});
