/**
 * `npm run bench:webhooks`: signed push deliveries at a fixed rate against the real API
 * (PostgreSQL, Redis, BullMQ worker), measuring how fast GitHub gets its answer, then checking
 * that every delivery made exactly one deployment. The peer is a bare node:http server that
 * only verifies the same signature: the floor any webhook receiver pays on this machine.
 */

import { fork, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhooks } from "@octokit/webhooks";
import { Unkey } from "@unkey/api";
import { count, isNotNull, isNull, sql } from "drizzle-orm";
import { Redis } from "ioredis";
import { pino } from "pino";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { connectDatabase, type Database } from "../src/db/client.js";
import { runMigrations } from "../src/db/migrate.js";
import { deployments, githubDeliveries, githubInstallations } from "../src/db/schema/index.js";
import { createJobQueues } from "../src/jobs/queues.js";
import { startPostgres } from "../src/local/postgres.js";
import { startRedis } from "../src/local/redis.js";
import { makePlatformClients } from "../src/platform-clients.js";
import { createWorkspaceWithRootKey } from "../src/services/workspaces.js";
import { startBackground } from "../src/worker/start-background.js";
import { startCpuProfile, startProfile, timed } from "./profile.js";

const rate = Number(process.env.BENCH_RATE ?? 200);
const seconds = Number(process.env.BENCH_SECONDS ?? 30);
const secret = "bench-secret";

interface DriveResult {
  latencies: number[];
  failures: number;
  deliveryIds: string[];
  cpuSeconds: number;
}

/** The load runs in its own process, so the client never steals the server's event loop. */
function drive(url: string, forSeconds = seconds): Promise<DriveResult> {
  return new Promise((resolve, reject) => {
    const child = fork(
      new URL("./drive-webhooks.ts", import.meta.url),
      [url, String(rate), String(forSeconds), secret],
      {
        execArgv: ["--import", "tsx"],
      },
    );
    child.once("message", (message) => resolve(message as DriveResult));
    child.once(
      "exit",
      (code) => code !== 0 && reject(new Error(`load driver exited with ${code}`)),
    );
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function startPeer(): Promise<{ url: string; close(): Promise<void> }> {
  const webhooks = new Webhooks({ secret });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", async () => {
      const ok = await webhooks.verify(
        Buffer.concat(chunks).toString("utf8"),
        String(request.headers["x-hub-signature-256"]),
      );
      response.writeHead(ok ? 202 : 401, { "content-type": "application/json" });
      response.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const report = (name: string, result: { latencies: number[]; failures: number }) =>
  `${name.padEnd(22)} p50 ${percentile(result.latencies, 50).toFixed(2)} ms   p99 ${percentile(result.latencies, 99).toFixed(2)} ms   max ${result.latencies.at(-1)!.toFixed(2)} ms   non-202: ${result.failures}`;

/** BENCH_WORKER_CPU_PROFILE=dir: the worker writes a V8 CPU profile there when it stops. */
const workerProfileArgs = () =>
  process.env.BENCH_WORKER_CPU_PROFILE
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_WORKER_CPU_PROFILE}`]
    : [];

/**
 * BENCH_PG_STATEMENTS=1: PostgreSQL counts each statement's calls and time (pg_stat_statements,
 * planning included); the run ends with the statements that cost the server most.
 */
const statementStats = process.env.BENCH_PG_STATEMENTS === "1";
const statementStatsSettings = [
  "shared_preload_libraries=pg_stat_statements",
  "pg_stat_statements.track_planning=on",
];

async function topStatements(db: Database): Promise<string[]> {
  const rows = await db.execute<{ calls: string; ms: number; plan_ms: number; query: string }>(sql`
    select calls, total_exec_time as ms, total_plan_time as plan_ms,
      regexp_replace(query, '[[:space:]]+', ' ', 'g') as query
    from pg_stat_statements order by total_exec_time + total_plan_time desc limit 12`);
  return [
    "statements by time in PostgreSQL (whole run, warm-up included): calls, execute ms, plan ms",
    ...rows.rows.map(
      (row) =>
        `  ${String(row.calls).padStart(6)} ${row.ms.toFixed(0).padStart(7)} ${row.plan_ms.toFixed(0).padStart(6)}  ${row.query.slice(0, 110)}`,
    ),
  ];
}

const encryptionKeys = `v1:${randomBytes(32).toString("base64")}`;

async function main() {
  const scratch = mkdtempSync(join(tmpdir(), "slipway-bench-"));
  chmodSync(scratch, 0o755);
  const postgres = await startPostgres({
    dataDir: join(scratch, "postgres"),
    durable: process.env.BENCH_DURABLE !== "0",
    // e.g. BENCH_PG_SETTINGS="commit_delay=1000 commit_siblings=3"
    settings: [
      ...(process.env.BENCH_PG_SETTINGS?.split(/\s+/).filter(Boolean) ?? []),
      ...(statementStats ? statementStatsSettings : []),
    ],
  });
  const redisServer = await startRedis({ dataDir: join(scratch, "redis"), durable: false });
  const config = loadConfig({
    DATABASE_URL: postgres.adminUrl,
    REDIS_URL: redisServer.url,
    SLIPWAY_ENCRYPTION_KEYS: encryptionKeys,
    GITHUB_WEBHOOK_SECRET: secret,
    LOG_LEVEL: "warn",
    // The worker reads it from the environment it inherits; here only to print it.
    SLIPWAY_WORKER_NICE: process.env.SLIPWAY_WORKER_NICE,
  });
  const clients = makePlatformClients(config);
  const database = connectDatabase(config.DATABASE_URL, { maxConnections: 20 });
  await runMigrations(database.db);
  if (statementStats)
    await database.db.execute(sql`create extension if not exists pg_stat_statements`);
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  const log = pino({ level: "warn" });
  // Workers run in their own process by default, as `npm run worker` does in a scaled install;
  // BENCH_WORKER=inline runs them inside the API process, as `npm start` does.
  const inline = process.env.BENCH_WORKER === "inline";
  const background = inline
    ? startBackground({ config, clients, db: database.db, redis, log })
    : {
        queues: createJobQueues({ connection: redis, prefix: config.SLIPWAY_QUEUE_PREFIX }),
        stop: async () => {},
      };
  const worker =
    inline || process.env.BENCH_WORKER === "none"
      ? undefined
      : spawn(process.execPath, [...workerProfileArgs(), "--import", "tsx", "src/worker.ts"], {
          cwd: new URL("..", import.meta.url).pathname,
          env: {
            ...process.env,
            DATABASE_URL: config.DATABASE_URL,
            REDIS_URL: config.REDIS_URL,
            SLIPWAY_ENCRYPTION_KEYS: process.env.SLIPWAY_ENCRYPTION_KEYS ?? encryptionKeys,
            LOG_LEVEL: "warn",
          },
          stdio: "inherit",
        });
  // Timings of the request's own I/O, for the profile printed after the run.
  database.pool.query = timed("database queries", database.pool.query.bind(database.pool)) as never;
  background.queues.enqueueMany = timed(
    "enqueues (Redis)",
    background.queues.enqueueMany,
    (jobs) => jobs.length,
  );
  const app = await buildApp({
    config,
    clients,
    db: database.db,
    redis,
    queues: background.queues,
    loggerInstance: log,
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  const { rootKey, workspaceId } = await createWorkspaceWithRootKey(database.db, { name: "bench" });
  // The App installation the deliveries name belongs to the bench workspace.
  await database.db
    .insert(githubInstallations)
    .values({ installationId: "1", workspaceId, accountLogin: "bench", createdAt: new Date() });
  const sdk = new Unkey({ rootKey, serverURL: url });
  await sdk.projects.createProject({ name: "Bench", slug: "bench" });
  await sdk.apps.createApp({
    project: "bench",
    name: "App",
    slug: "app",
    git: { repository: "bench/app", defaultBranch: "main" },
  });

  console.log(
    `workers: ${inline ? "inside the API process" : worker ? `a separate process (npm run worker, nice ${config.SLIPWAY_WORKER_NICE})` : "none (intake alone)"}`,
  );
  console.log(
    `${rate} deliveries/s for ${seconds} s (${rate * seconds} deliveries), ${new Date().toISOString()}`,
  );
  const peer = await startPeer();
  const peerResult = await drive(peer.url);
  await peer.close();
  // A running server has warm connections and compiled code; so does the one measured here.
  const warmup = await drive(`${url}/webhooks/github`, 3);
  const pidFile = (path: string) => () => [Number(readFileSync(path, "utf8").split("\n")[0])];
  const stopProfile = startProfile({
    "API (this process)": { pids: () => [process.pid], withChildren: false },
    worker: { pids: () => (worker?.pid ? [worker.pid] : []), withChildren: false },
    postgres: {
      pids: pidFile(join(scratch, "postgres", "pgdata", "postmaster.pid")),
      withChildren: true,
    },
    redis: { pids: pidFile(join(scratch, "redis", "redis.pid")), withChildren: false },
  });
  const cpuProfile = await startCpuProfile(process.env.BENCH_CPU_PROFILE);
  const slipway = await drive(`${url}/webhooks/github`);
  await cpuProfile();
  const profile = stopProfile({ "load driver": slipway.cpuSeconds });

  // Without a worker (BENCH_WORKER=none, intake alone) nothing will process the deliveries.
  const deadline = process.env.BENCH_WORKER === "none" ? 0 : Date.now() + 120_000;
  let pending = 1;
  while (pending > 0 && Date.now() < deadline) {
    pending = (
      await database.db
        .select({ n: count() })
        .from(githubDeliveries)
        .where(isNull(githubDeliveries.processedAt))
    )[0]!.n;
    if (pending > 0) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const processed = (
    await database.db
      .select({ n: count() })
      .from(githubDeliveries)
      .where(isNotNull(githubDeliveries.processedAt))
  )[0]!.n;
  const made = (await database.db.select({ n: count() }).from(deployments))[0]!.n;
  const expected = slipway.deliveryIds.length + warmup.deliveryIds.length;

  console.log(report("peer (verify only)", peerResult));
  console.log(report("slipway /webhooks", slipway));
  console.log(
    `ratio slipway/peer      p50 ${(percentile(slipway.latencies, 50) / percentile(peerResult.latencies, 50)).toFixed(2)}x   p99 ${(percentile(slipway.latencies, 99) / percentile(peerResult.latencies, 99)).toFixed(2)}x`,
  );
  console.log(
    `deliveries processed ${processed}/${expected}, deployments made ${made} (expected ${expected}, warm-up included)`,
  );
  const p99 = percentile(slipway.latencies, 99);
  console.log(`target p99 <= 50 ms: ${p99 <= 50 ? "met" : "NOT met"}`);
  for (const line of profile) console.log(line);
  if (statementStats) for (const line of await topStatements(database.db)) console.log(line);

  await app.close();
  await background.stop();
  await background.queues.close();
  if (worker) {
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    worker.kill("SIGTERM");
    await exited;
  }
  redis.disconnect();
  clients.close();
  await database.close();
  await redisServer.stop();
  await postgres.stop();
  rmSync(scratch, { recursive: true, force: true });
  if (made !== expected || slipway.failures > 0) process.exit(1);
}

await main();
