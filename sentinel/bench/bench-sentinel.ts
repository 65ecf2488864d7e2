// The Sentinel that bench:sentinel measures: the real server, forwarders, policies, log batcher,
// metrics and cluster runner, with the keys package's in-process verifier on real PostgreSQL and
// Redis (started by run-bench.ts) behind Sentinel's own adapter. Differences from
// `npm run sentinel`: routes from a file (not the gateway_routes view), and request logs are
// built and batched but the sink discards them (the log store is not what is measured).
import { readFileSync } from "node:fs";
import { createKeyStore, createKeyVerifier } from "@slipway/keys";
import * as schema from "@slipway/keys/schema";
import { newId } from "@slipway/shared";
import type { RequestLogSink } from "@slipway/shared/gateway";
import { drizzle } from "drizzle-orm/node-postgres";
import { Redis } from "ioredis";
import pg from "pg";
import { runSentinel } from "../src/cluster/run-sentinel.js";
import { parseConfigFile } from "../src/config-file.js";
import { H2cForwarder } from "../src/forward/h2c-forwarder.js";
import { RawHttp1Forwarder } from "../src/forward/raw/raw-http1-forwarder.js";
import { keysVerifierAdapter } from "../src/keys/keys-verifier-adapter.js";
import { LogBatcher } from "../src/logs/log-batcher.js";
import { RequestMetrics } from "../src/metrics/request-metrics.js";
import { MemoryRateLimiter } from "../src/policies/memory-rate-limiter.js";
import { parseTrustedProxies } from "../src/request/client-ip.js";
import { StaticInstanceSource } from "../src/routing/instances.js";
import { LiveRouteTable } from "../src/routing/route-table.js";
import { SentinelServer } from "../src/server/listener.js";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`bench-sentinel: ${name} is required`);
  return value;
};

const log = (level: string, msg: string, fields: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ level, msg, pid: process.pid, ...fields })}\n`);

const discardSink: RequestLogSink = { write: async () => undefined };

async function startWorker() {
  const file = parseConfigFile(readFileSync(env("SENTINEL_CONFIG_FILE"), "utf8"), "bench");
  const routes = new LiveRouteTable();
  const refused = routes.apply(file.snapshot);
  if (refused) throw refused;
  const pool = new pg.Pool({ connectionString: env("BENCH_DATABASE_URL"), max: 2 });
  pool.on("error", (error) => log("warn", "postgres connection lost", { err: String(error) }));
  const redis = new Redis(env("BENCH_REDIS_URL"));
  const store = createKeyStore(drizzle(pool, { schema }));
  const verifier = createKeyVerifier({
    store,
    redis,
    redisPrefix: "bench:",
  });
  const batcher = new LogBatcher(discardSink);
  const metrics = new RequestMetrics({
    droppedLogs: () => batcher.dropped,
    configLoadedAt: () => routes.loadedAt,
    wakes: () => 0,
  });
  const http1 = new RawHttp1Forwarder({
    keepAliveTimeoutMs: 4_000,
    connectTimeoutMs: 3_000,
    headersTimeoutMs: 60_000,
    bodyTimeoutMs: 300_000,
    connectionsPerInstance: 256,
  });
  const h2c = new H2cForwarder({
    connectTimeoutMs: 3_000,
    headersTimeoutMs: 60_000,
    idleTimeoutMs: 300_000,
  });
  const server = new SentinelServer(
    {
      settings: {
        region: { own: "bench", proximity: [] },
        trustedProxies: parseTrustedProxies([]),
        maxHops: 5,
        stripCredentials: true,
        maxAttempts: 3,
      },
      routes,
      instances: new StaticInstanceSource(new Map(Object.entries(file.instances))),
      keyVerifier: keysVerifierAdapter(verifier),
      rateLimiter: new MemoryRateLimiter(),
      forwarders: { http1, h2c },
      logs: batcher,
      ...(process.env.BENCH_METRICS === "off" ? {} : { metrics }),
      clock: Date.now,
      monotonic: () => performance.now(),
      newRequestId: () => newId("request"),
      onError: (error, context) =>
        log("error", "request failed", { ...context, err: String(error) }),
    },
    {
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 300_000,
      keepAliveTimeoutMs: 5_000,
      connectTimeoutMs: 3_000,
    },
  );
  await server.listen(Number(env("SENTINEL_PORT")), "127.0.0.1");
  log("info", "worker listening");
  return {
    snapshot: () => metrics.snapshot(),
    ready: () => routes.loaded,
    async drain() {
      await server.drain(5_000);
      await Promise.all([http1.close(), h2c.close()]);
      await batcher.flush();
      redis.disconnect();
      await pool.end();
    },
  };
}

await runSentinel(
  {
    workers: Number(process.env.SENTINEL_WORKERS ?? 2),
    adminPort: Number(env("SENTINEL_ADMIN_PORT")),
    adminHost: "127.0.0.1",
    drainTimeoutMs: 10_000,
    log,
  },
  startWorker,
);
