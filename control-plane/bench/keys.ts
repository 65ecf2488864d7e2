/**
 * `npm run bench:keys`: keys.verifyKey over HTTP against the real API (PostgreSQL, Redis),
 * cache warm, with a permission query and a ratelimit, at a fixed rate and at saturation, from
 * a kept-alive driver in its own process. The peer, in the same run, is a bare node:http server
 * that only parses the body, takes the SHA-256 of the key and makes one Redis round trip: the
 * floor of any verifier on this machine. Then in-process verification (what Sentinel calls) on
 * a cache hit. BENCH_RATE (2000), BENCH_SECONDS (10), BENCH_CONCURRENCY (32), BENCH_ROUNDS (2),
 * BENCH_WARM_SECONDS (2: every phase first sends this long unrecorded, on the same connections),
 * BENCH_SLOW_MS (2: the fixed-rate goal; requests over it are put down to their causes).
 *
 * At a fixed rate latency counts from when each request was due (see drive-verify.ts), and the
 * bench records, in its own process (which serves both the API and the peer), event-loop stalls
 * and GC pauses with their times, so the slow requests can be lined up with them.
 */
import { execSync, fork } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createKeyStore, createKeyVerifier, type VerifyKeyRequest } from "@slipway/keys";
import { Unkey } from "@unkey/api";
import { Redis } from "ioredis";
import { pino } from "pino";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { connectDatabase } from "../src/db/client.js";
import { runMigrations } from "../src/db/migrate.js";
import { startPostgres } from "../src/local/postgres.js";
import { startRedis } from "../src/local/redis.js";
import { makePlatformClients } from "../src/platform-clients.js";
import { createWorkspaceWithRootKey } from "../src/services/workspaces.js";
import type { DriveResult } from "./drive-verify.js";
import { type LoopRecord, recordLoop } from "./loop-stalls.js";
import { explainTail } from "./verify-tail.js";

const rate = Number(process.env.BENCH_RATE ?? 2000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const inProcessCalls = Number(process.env.BENCH_ITERATIONS ?? 100_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const warmSeconds = Number(process.env.BENCH_WARM_SECONDS ?? 2);
const slowMs = Number(process.env.BENCH_SLOW_MS ?? 2);

/** PostgreSQL round trips of this process (the API's pool): none should be per request. */
let pgQueries = 0;

type Measured = DriveResult & { server: LoopRecord; pgQueries: number };

function drive(
  url: string,
  authorization: string,
  body: string,
  mode: "rate" | "saturate",
  forSeconds = seconds,
): Promise<Measured> {
  const amount = mode === "rate" ? rate : concurrency;
  return new Promise((resolve, reject) => {
    const child = fork(
      new URL("./drive-verify.ts", import.meta.url),
      [url, authorization, body, mode, String(amount), String(forSeconds), String(warmSeconds)],
      { execArgv: ["--import", "tsx"] },
    );
    // This process serves the API and the peer: its stalls and GCs, from when the driver
    // starts measuring (after its warm-up) until it answers.
    let server: ReturnType<typeof recordLoop> | undefined;
    let queriesBefore = 0;
    child.on("message", (message: DriveResult | { measuring: true }) => {
      if ("measuring" in message) {
        server = recordLoop();
        queriesBefore = pgQueries;
      } else {
        resolve({ ...message, server: server!.stop(), pgQueries: pgQueries - queriesBefore });
      }
    });
    child.once("exit", (code) => code !== 0 && reject(new Error(`driver exited with ${code}`)));
  });
}

const percentile = (sorted: ArrayLike<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const throughput = (result: DriveResult) => result.latencies.length / (result.elapsedMs / 1000);

function report(name: string, result: Measured): string {
  return (
    `${name.padEnd(22)} p50 ${percentile(result.latencies, 50).toFixed(2).padStart(6)} ms` +
    `  p99 ${percentile(result.latencies, 99).toFixed(2).padStart(6)} ms` +
    `  ${throughput(result).toFixed(0).padStart(6)} req/s  failures ${result.failures}` +
    (result.failures > 0 ? ` ${JSON.stringify(result.failureReasons)}` : "") +
    `  server cpu ${((result.server.cpuSeconds * 1e6) / result.latencies.length).toFixed(0)} µs/req` +
    `  PostgreSQL queries ${result.pgQueries}`
  );
}

/** SHA-256 of the key and one Redis GET per request, nothing else. */
async function startPeer(redis: Redis): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const { key } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { key: string };
      const hash = createHash("sha256").update(key).digest("base64");
      const found = await redis.get(`peer:${hash}`);
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ meta: {}, data: { valid: found !== null } }));
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** In-process verify on a warm cache, one call at a time: what Sentinel's policy pays. */
async function measureInProcess(
  verifier: ReturnType<typeof createKeyVerifier>,
  request: VerifyKeyRequest,
) {
  for (let i = 0; i < 20_000; i++) await verifier.verify(request);
  const samples = new Float64Array(inProcessCalls);
  for (let i = 0; i < inProcessCalls; i++) {
    const started = process.hrtime.bigint();
    const answer = await verifier.verify(request);
    samples[i] = Number(process.hrtime.bigint() - started) / 1000;
    if (!answer.valid) throw new Error(`in-process verify: ${answer.code}`);
  }
  samples.sort();
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function main() {
  const scratch = mkdtempSync(join(tmpdir(), "slipway-keys-bench-"));
  chmodSync(scratch, 0o755);
  const postgres = await startPostgres({ dataDir: join(scratch, "postgres"), durable: false });
  const redisServer = await startRedis({ dataDir: join(scratch, "redis"), durable: false });
  const config = loadConfig({
    DATABASE_URL: postgres.adminUrl,
    REDIS_URL: redisServer.url,
    SLIPWAY_ENCRYPTION_KEYS: `v1:${randomBytes(32).toString("base64")}`,
    LOG_LEVEL: "warn",
  });
  const clients = makePlatformClients(config);
  const database = connectDatabase(config.DATABASE_URL, { maxConnections: 20 });
  await runMigrations(database.db);
  const query = database.pool.query.bind(database.pool) as (...args: unknown[]) => unknown;
  (database.pool as unknown as { query: typeof query }).query = (...args) => {
    pgQueries++;
    return query(...args);
  };
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 });
  const app = await buildApp({
    config,
    clients,
    db: database.db,
    redis,
    loggerInstance: pino({ level: "warn" }),
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  const { rootKey, workspaceId } = await createWorkspaceWithRootKey(database.db, { name: "bench" });
  const sdk = new Unkey({ rootKey, serverURL: url });
  const { apiId } = (await sdk.apis.createApi({ name: "bench" })).data;
  const { key } = (
    await sdk.keys.createKey({
      apiId,
      externalId: "user_bench",
      permissions: ["documents.read", "documents.write", "billing.*"],
      // The shortest window keeps the sliding window's sorted set small at saturation.
      ratelimits: [{ name: "requests", limit: 1_000_000_000, duration: 1000 }],
    })
  ).data;
  const verifyBody = JSON.stringify({
    key,
    permissions: "documents.read AND (billing.invoices.read OR admin)",
    ratelimits: [{ name: "requests" }],
  });
  await redis.set(`peer:${createHash("sha256").update(key).digest("base64")}`, "1");

  let commit = "unknown";
  try {
    commit = execSync("git rev-parse --short HEAD", { encoding: "utf8" }).trim();
  } catch {}
  console.log(
    `commit ${commit}, node ${process.version}, ${cpus().length} cores, load average ` +
      `${loadavg()
        .map((value) => value.toFixed(1))
        .join(" ")}, ${new Date().toISOString()}`,
  );
  console.log(
    `fixed rate ${rate}/s for ${seconds} s; saturation: ${concurrency} requests in flight for ${seconds} s`,
  );

  const peer = await startPeer(redis);
  const endpoint = `${url}/v2/keys.verifyKey`;
  const authorization = `Bearer ${rootKey}`;
  // Warm: the key is cached, the code compiled (each phase also warms its own connections).
  await drive(peer.url, "", verifyBody, "saturate", 2);
  await drive(endpoint, authorization, verifyBody, "saturate", 2);
  // Peer and Slipway take turns, so a change in what else runs on the machine hits both.
  const ratios: number[] = [];
  const slipwayP99s: number[] = [];
  const peerP99s: number[] = [];
  let failures = 0;
  for (let round = 1; round <= rounds; round++) {
    const peerRate = await drive(peer.url, "", verifyBody, "rate");
    const slipwayRate = await drive(endpoint, authorization, verifyBody, "rate");
    const peerSaturated = await drive(peer.url, "", verifyBody, "saturate");
    const slipwaySaturated = await drive(endpoint, authorization, verifyBody, "saturate");
    console.log(`round ${round}, load average ${loadavg()[0]!.toFixed(1)}`);
    console.log(report(`  peer at ${rate}/s`, peerRate));
    for (const line of explainTail(peerRate, peerRate.server, slowMs)) console.log(line);
    console.log(report(`  slipway at ${rate}/s`, slipwayRate));
    for (const line of explainTail(slipwayRate, slipwayRate.server, slowMs)) console.log(line);
    console.log(report("  peer saturated", peerSaturated));
    console.log(report("  slipway saturated", slipwaySaturated));
    ratios.push(throughput(slipwaySaturated) / throughput(peerSaturated));
    slipwayP99s.push(percentile(slipwayRate.latencies, 99));
    peerP99s.push(percentile(peerRate.latencies, 99));
    console.log(
      `  at ${rate}/s slipway/peer: p50 ${(percentile(slipwayRate.latencies, 50) / percentile(peerRate.latencies, 50)).toFixed(2)}x, ` +
        `p99 ${(slipwayP99s.at(-1)! / peerP99s.at(-1)!).toFixed(2)}x; saturated ${ratios.at(-1)!.toFixed(2)}x`,
    );
    failures += slipwayRate.failures + slipwaySaturated.failures;
  }
  await peer.close();
  const ratio = ratios.reduce((sum, value) => sum + value, 0) / ratios.length;
  const p99 = Math.min(...slipwayP99s);
  console.log(
    `saturated throughput slipway/peer by round ${ratios.map((r) => r.toFixed(2)).join(" ")}x, ` +
      `mean ${ratio.toFixed(2)}x (goal >= 0.5x: ${ratio >= 0.5 ? "met" : "NOT met"})`,
  );
  console.log(
    `p99 at ${rate}/s by round: slipway ${slipwayP99s.map((v) => v.toFixed(2)).join(" ")} ms, ` +
      `peer ${peerP99s.map((v) => v.toFixed(2)).join(" ")} ms; best round ${p99.toFixed(2)} ms ` +
      `(goal <= 2 ms: ${p99 <= 2 ? "met" : "NOT met"}; the peer's best ${Math.min(...peerP99s).toFixed(2)} ms)`,
  );

  const verifier = createKeyVerifier({
    store: createKeyStore(database.db),
    redis,
    redisPrefix: `bench-inprocess:`,
  });
  const inProcess = await measureInProcess(verifier, {
    workspaceId,
    key,
    permissionQuery: "documents.read AND (billing.invoices.read OR admin)",
  });
  console.log(
    `in-process verify, cache hit + permission query, ${inProcessCalls} calls: ` +
      `p50 ${inProcess.p50.toFixed(1)} µs  p99 ${inProcess.p99.toFixed(1)} µs ` +
      `(goal <= 50 µs: ${inProcess.p99 <= 50 ? "met" : "NOT met"})`,
  );

  await app.close();
  redis.disconnect();
  clients.close();
  await database.close();
  await redisServer.stop();
  await postgres.stop();
  rmSync(scratch, { recursive: true, force: true });
  if (failures > 0) process.exit(1);
}

await main();
