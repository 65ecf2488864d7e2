import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  startTestApi,
  type TestApi,
  type TestWorkspace,
} from "@slipway/control-plane/test/harness/api.js";
import {
  type DeploymentScope,
  insertDeployment,
  insertDeploymentScope,
} from "@slipway/control-plane/test/harness/deployment-rows.js";
import { maintainRequestLogPartitions, PgRequestLogSink } from "@slipway/request-logs";
import type { RequestLogRecord } from "@slipway/shared/gateway";
import { beforeAll, describe, expect, it } from "vitest";
import { makeConfigHome, runSlipway } from "./harness/run-cli.js";

const bin = fileURLToPath(new URL("../bin/slipway.js", import.meta.url));
let api: TestApi;
let workspace: TestWorkspace;
let env: Record<string, string>;
let scope: DeploymentScope;
let deploymentId: string;
let sink: PgRequestLogSink;
const now = Date.now();

const record = (ago: number, overrides: Partial<RequestLogRecord> = {}): RequestLogRecord => ({
  time: now - ago,
  requestId: `req_${now - ago}_${Math.random().toString(36).slice(2, 8)}`,
  host: "shop.example.com",
  method: "GET",
  path: "/",
  status: 200,
  totalLatencyMs: 3,
  upstreamLatencyMs: 2,
  sentinelLatencyMs: 1,
  region: "eu-1",
  deploymentId,
  environmentId: scope.environmentId,
  outcome: "allowed",
  clientIp: "203.0.113.7",
  ...overrides,
});

interface Listed {
  requests: { path: string; status: number; method: string; host: string }[];
}

beforeAll(async () => {
  api = await startTestApi();
  workspace = await api.newWorkspace("cli-requests");
  scope = await insertDeploymentScope(api.database.db, new Date(), workspace.workspaceId);
  deploymentId = await insertDeployment(api.database.db, scope, {
    status: "ready",
    createdAt: new Date(),
  });
  await maintainRequestLogPartitions(api.database.pool, now, { retentionDays: 7, daysAhead: 3 });
  sink = new PgRequestLogSink(api.database.pool);
  await sink.write([
    record(50_000, { path: "/", status: 200 }),
    record(40_000, { path: "/api/orders", method: "POST", status: 201 }),
    record(30_000, { path: "/missing", status: 404 }),
    record(20_000, { path: "/api/boom", status: 503, outcome: "error" }),
    record(10_000, { path: "/admin", status: 403, outcome: "denied", policyName: "no admin" }),
    record(3 * 3_600_000, { path: "/long-ago", status: 500 }),
    record(5_000, { host: "other.example.com", path: "/other", status: 200 }),
  ]);
  env = {
    XDG_CONFIG_HOME: await makeConfigHome(),
    SLIPWAY_URL: api.url,
    SLIPWAY_ROOT_KEY: workspace.rootKey,
  };
});

const list = async (...flags: string[]) => {
  const run = await runSlipway(["requests", ...flags, "-o", "json"], { env });
  expect(run.exitCode, run.stdout + run.stderr).toBe(0);
  return run.json<Listed>().requests.map((entry) => `${entry.status} ${entry.path}`);
};

describe("slipway requests", () => {
  it("filters by status class, code and range, newest first", async () => {
    expect(await list("--status", "5xx", "--since", "1h")).toEqual(["503 /api/boom"]);
    expect(await list("--status", "5xx", "--since", "4h")).toEqual([
      "503 /api/boom",
      "500 /long-ago",
    ]);
    expect(await list("--status", "404")).toEqual(["404 /missing"]);
    expect(await list("--status", "200-299", "--host", "shop.example.com")).toEqual([
      "201 /api/orders",
      "200 /",
    ]);
  });

  it("filters by method, host, path prefix and deployment", async () => {
    expect(await list("--method", "post")).toEqual(["201 /api/orders"]);
    expect(await list("--host", "other.example.com")).toEqual(["200 /other"]);
    expect(await list("--path", "/api", "--since", "1h")).toEqual([
      "503 /api/boom",
      "201 /api/orders",
    ]);
    expect(await list("--deployment", "dep_nothing_here")).toEqual([]);
    expect((await list("--deployment", deploymentId, "--since", "1h")).length).toBe(6);
  });

  it("prints a table on a terminal with the policy that refused a request", async () => {
    const run = await runSlipway(["requests", "--status", "4xx", "--since", "1h"], { env });
    expect(run.exitCode).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^TIME\s+STATUS\s+METHOD\s+HOST\s+PATH\s+MS\s+OUTCOME\s+DEPLOYMENT$/);
    expect(lines[1]).toMatch(/403\s+GET\s+shop\.example\.com\s+\/admin\s+3\s+denied \(no admin\)/);
    expect(lines[2]).toMatch(/404\s+GET\s+shop\.example\.com\s+\/missing/);
  });

  it("pages with --limit and --cursor", async () => {
    const first = await runSlipway(["requests", "--since", "1h", "--limit", "2", "-o", "json"], {
      env,
    });
    const page = first.json<Listed & { pagination: { cursor?: string; hasMore: boolean } }>();
    expect(page.requests.map((entry) => entry.path)).toEqual(["/other", "/admin"]);
    expect(page.pagination.hasMore).toBe(true);
    const next = await list("--since", "1h", "--limit", "2", "--cursor", page.pagination.cursor!);
    expect(next).toEqual(["503 /api/boom", "404 /missing"]);
  });

  it("refuses a bad filter as a usage error before calling the API", async () => {
    const run = await runSlipway(["requests", "--status", "6xx"], { env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--status "6xx" is not a code');
    const since = await runSlipway(["requests", "--since", "yesterday"], { env });
    expect(since.exitCode).toBe(2);
  });

  it("--follow prints what arrives, oldest first, once each, until stopped", async () => {
    // The bin as its own process: --follow runs until Ctrl-C.
    const child = spawn(
      process.execPath,
      [bin, "requests", "--follow", "--status", "418", "--poll-interval", "50", "-o", "json"],
      { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    const lines = () => stdout.split("\n").filter((line) => line.length > 0);
    try {
      await sink.write([record(0, { time: Date.now(), path: "/tea-1", status: 418 })]);
      await expect.poll(() => lines().length, { timeout: 20_000 }).toBe(1);
      // Two in the same millisecond, then one later: each printed once.
      const sameMillisecond = Date.now();
      await sink.write([
        record(0, { time: sameMillisecond, path: "/tea-2", status: 418 }),
        record(0, { time: sameMillisecond, path: "/tea-3", status: 418 }),
      ]);
      await sink.write([record(0, { time: sameMillisecond + 5, path: "/tea-4", status: 418 })]);
      await expect.poll(() => lines().length, { timeout: 20_000 }).toBe(4);
    } finally {
      child.kill("SIGINT");
    }
    const paths = lines().map((line) => (JSON.parse(line) as { path: string }).path);
    expect(paths[0]).toBe("/tea-1");
    expect(paths.slice(1, 3).sort()).toEqual(["/tea-2", "/tea-3"]);
    expect(paths[3]).toBe("/tea-4");
  });
});
