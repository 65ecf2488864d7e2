/**
 * `npm run bench:request-logs`: how fast Sentinel's request-log sink writes to PostgreSQL, and
 * how long the API's reads take on what it wrote. The peer is the plain way to write the same
 * rows: a multi-row `INSERT … VALUES ($1, …), (…)` per batch, into the same table in the same
 * run. Prints rows/s for both, their ratio, and read latencies (p50/p99 of repeated calls).
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  maintainRequestLogPartitions,
  PgRequestLogReader,
  PgRequestLogSink,
  type RequestLogFilter,
  storedRecord,
} from "@slipway/request-logs";
import { defaultRuntime, newId } from "@slipway/shared";
import type { RequestLogRecord } from "@slipway/shared/gateway";
import type pg from "pg";
import { connectDatabase } from "../src/db/client.js";
import { runMigrations } from "../src/db/migrate.js";
import { startPostgres } from "../src/local/postgres.js";

const rows = Number(process.env.BENCH_ROWS ?? 100_000);
const batchSize = 500; // Sentinel's LogBatcher default

function records(count: number, deploymentId: string, environmentId: string): RequestLogRecord[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    time: now - Math.floor((i / count) * 3_600_000),
    requestId: newId("request"),
    host: "shop.example.com",
    method: i % 5 === 0 ? "POST" : "GET",
    path: `/api/items/${i % 1000}`,
    ...(i % 3 === 0 ? { query: "page=2&sort=asc" } : {}),
    status: [200, 200, 201, 304, 404, 500][i % 6]!,
    totalLatencyMs: 1 + (i % 97),
    upstreamLatencyMs: i % 97,
    sentinelLatencyMs: 1,
    region: "eu-1",
    instance: `pod-${i % 4}`,
    deploymentId,
    environmentId,
    outcome: i % 50 === 0 ? "denied" : "allowed",
    clientIp: `203.0.113.${i % 250}`,
    userAgent: "Mozilla/5.0 (bench)",
    ...(i % 10 === 0
      ? { requestHeaders: { accept: ["*/*"], "content-type": ["application/json"] } }
      : {}),
  }));
}

/** The peer: one `INSERT … VALUES` with a parameter per column and row. */
async function plainInsert(pool: pg.Pool, batch: RequestLogRecord[], tenancy: string[]) {
  const columns = [
    "time",
    "workspace_id",
    "project_id",
    "app_id",
    "environment_id",
    "deployment_id",
    "request_id",
    "host",
    "method",
    "path",
    "query",
    "status",
    "total_latency_ms",
    "upstream_latency_ms",
    "sentinel_latency_ms",
    "region",
    "instance",
    "outcome",
    "client_ip",
    "user_agent",
    "request_headers",
  ];
  const values: unknown[] = [];
  const tuples = batch.map((record) => {
    const row = storedRecord(record);
    const start = values.length;
    values.push(
      row.time,
      ...tenancy,
      row.environmentId,
      row.deploymentId,
      row.requestId,
      row.host,
      row.method,
      row.path,
      row.query,
      row.status,
      row.totalLatencyMs,
      row.upstreamLatencyMs,
      row.sentinelLatencyMs,
      row.region,
      row.instance,
      row.outcome,
      row.clientIp,
      row.userAgent,
      row.requestHeaders,
    );
    return `(${columns.map((_, i) => `$${start + i + 1}`).join(", ")})`;
  });
  await pool.query(
    `insert into request_logs (${columns.join(", ")}) values ${tuples.join(", ")}`,
    values,
  );
}

async function rate(
  label: string,
  all: RequestLogRecord[],
  write: (b: RequestLogRecord[]) => Promise<void>,
) {
  const started = performance.now();
  for (let i = 0; i < all.length; i += batchSize) await write(all.slice(i, i + batchSize));
  const perSecond = all.length / ((performance.now() - started) / 1000);
  console.log(`${label.padEnd(34)} ${Math.round(perSecond).toLocaleString("en")} rows/s`);
  return perSecond;
}

async function latency(label: string, read: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < 60; i++) {
    const started = performance.now();
    await read();
    if (i >= 10) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  console.log(`${label.padEnd(34)} p50 ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms`);
}

async function main() {
  const scratch = mkdtempSync(join(tmpdir(), "slipway-bench-request-logs-"));
  chmodSync(scratch, 0o755);
  const postgres = await startPostgres({ dataDir: join(scratch, "postgres"), durable: true });
  const database = connectDatabase(postgres.adminUrl);
  try {
    await runMigrations(database.db);
    const pool = database.pool;
    const [workspaceId, projectId, appId, environmentId, deploymentId] = [
      newId("workspace"),
      newId("project"),
      newId("app"),
      newId("environment"),
      newId("deployment"),
    ];
    await pool.query("insert into workspaces (id, name, created_at) values ($1, 'bench', now())", [
      workspaceId,
    ]);
    await pool.query(
      "insert into projects (id, workspace_id, name, slug, created_at) values ($1, $2, 'p', 'p', now())",
      [projectId, workspaceId],
    );
    await pool.query(
      "insert into apps (id, workspace_id, project_id, name, slug, created_at) values ($1, $2, $3, 'a', 'a', now())",
      [appId, workspaceId, projectId],
    );
    await pool.query(
      `insert into environments (id, workspace_id, project_id, app_id, slug, kind, runtime, build, regions, created_at)
       values ($1, $2, $3, $4, 'production', 'production', $5, '{}', '[]', now())`,
      [environmentId, workspaceId, projectId, appId, JSON.stringify(defaultRuntime)],
    );
    await pool.query(
      `insert into deployments (id, workspace_id, project_id, app_id, environment_id, status, trigger, runtime, regions, created_at)
       values ($1, $2, $3, $4, $5, 'ready', 'manual', $6, '[]', now())`,
      [deploymentId, workspaceId, projectId, appId, environmentId, JSON.stringify(defaultRuntime)],
    );
    await maintainRequestLogPartitions(pool, Date.now(), { retentionDays: 7, daysAhead: 3 });
    console.log(
      `request logs: ${rows.toLocaleString("en")} rows per writer, batches of ${batchSize}, durable PostgreSQL`,
    );

    const sink = new PgRequestLogSink(pool);
    const ours = await rate(
      "PgRequestLogSink (unnest)",
      records(rows, deploymentId, environmentId),
      (b) => sink.write(b),
    );
    const tenancy = [workspaceId, projectId, appId];
    const peer = await rate(
      "peer: INSERT … VALUES per batch",
      records(rows, deploymentId, environmentId),
      (b) => plainInsert(pool, b, tenancy),
    );
    console.log(`ratio sink / peer                  ${(ours / peer).toFixed(2)}`);

    await pool.query("analyze request_logs");
    const reader = new PgRequestLogReader(pool);
    const now = Date.now();
    const window: RequestLogFilter = {
      workspaceId,
      readableEnvironments: "all",
      since: now - 3_600_000,
      until: now + 1,
    };
    await latency("list: first page of 50", () =>
      reader.list(window, { limit: 50, withPayloads: false }),
    );
    await latency("list: 5xx + POST + path prefix", () =>
      reader.list(
        { ...window, status: ["5xx"], methods: ["POST"], pathPrefix: "/api/items/1" },
        { limit: 50, withPayloads: false },
      ),
    );
    await latency("stats: 1 h in 1 min buckets", () => reader.stats(window, 60_000));
  } finally {
    await database.close();
    await postgres.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
