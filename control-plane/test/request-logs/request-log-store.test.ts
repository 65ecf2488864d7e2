import {
  listStatement,
  maintainRequestLogPartitions,
  PgRequestLogReader,
  PgRequestLogSink,
  type RequestLogFilter,
  statsStatement,
} from "@slipway/request-logs";
import type { RequestLogRecord } from "@slipway/shared/gateway";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../harness/database.js";
import {
  type DeploymentScope,
  insertDeployment,
  insertDeploymentScope,
} from "../harness/deployment-rows.js";

const dayMs = 86_400_000;
const policy = { retentionDays: 7, daysAhead: 3 };
let database: TestDatabase;
let scope: DeploymentScope;
let deploymentId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  scope = await insertDeploymentScope(database.db, new Date());
  deploymentId = await insertDeployment(database.db, scope, {
    status: "ready",
    createdAt: new Date(),
  });
  await maintainRequestLogPartitions(database.pool, Date.now(), policy);
});

const partitions = async (pool: pg.Pool) =>
  (
    await pool.query<{ name: string }>(
      `select child.relname as name from pg_inherits
         join pg_class child on child.oid = pg_inherits.inhrelid
        where pg_inherits.inhparent = 'request_logs'::regclass order by 1`,
    )
  ).rows.map((row) => row.name);

const record = (time: number, overrides: Partial<RequestLogRecord> = {}): RequestLogRecord => ({
  time,
  requestId: `req_${time}`,
  host: "shop.example.com",
  method: "GET",
  path: "/",
  status: 200,
  totalLatencyMs: 2,
  upstreamLatencyMs: 1,
  sentinelLatencyMs: 1,
  region: "eu-1",
  deploymentId,
  environmentId: scope.environmentId,
  outcome: "allowed",
  clientIp: "203.0.113.7",
  ...overrides,
});

const filterFor = (since: number, until: number): RequestLogFilter => ({
  workspaceId: scope.workspaceId,
  readableEnvironments: "all",
  since,
  until,
});

describe("partition maintenance", () => {
  it("drops days past retention and creates the days ahead, from several processes at once", async () => {
    const now = Date.parse("2026-12-02T12:00:00Z");
    const scratch = await createTestDatabase();
    // Ten days ago the job created the days around then.
    await maintainRequestLogPartitions(scratch.pool, now - 10 * dayMs, policy);
    expect(await partitions(scratch.pool)).toEqual([
      "request_logs_p20261121",
      "request_logs_p20261122",
      "request_logs_p20261123",
      "request_logs_p20261124",
      "request_logs_p20261125",
    ]);
    await scratch.pool.query(
      `insert into request_logs (time, request_id, host, method, path, status, total_latency_ms,
         upstream_latency_ms, sentinel_latency_ms, region, outcome, client_ip)
       values ('2026-11-22T10:00:00Z', 'req_old', 'h', 'GET', '/', 200, 1, 1, 0, 'eu-1', 'allowed', '::1'),
              ('2026-11-25T10:00:00Z', 'req_kept', 'h', 'GET', '/', 200, 1, 1, 0, 'eu-1', 'allowed', '::1')`,
    );
    // Two processes run the job at the same moment; a third runs it again later.
    const other = new pg.Pool({ connectionString: scratch.url, max: 1 });
    const results = await Promise.all([
      maintainRequestLogPartitions(scratch.pool, now, policy),
      maintainRequestLogPartitions(other, now, policy),
    ]);
    await other.end();
    const again = await maintainRequestLogPartitions(scratch.pool, now, policy);

    expect(results.some((result) => result.ran)).toBe(true);
    expect(again).toEqual({ ran: true, created: [], dropped: [] });
    expect(await partitions(scratch.pool)).toEqual([
      "request_logs_p20261125",
      "request_logs_p20261201",
      "request_logs_p20261202",
      "request_logs_p20261203",
      "request_logs_p20261204",
      "request_logs_p20261205",
    ]);
    const left = await scratch.pool.query("select request_id from request_logs");
    expect(left.rows).toEqual([{ request_id: "req_kept" }]);
  });
});

describe("the PostgreSQL sink and reader", () => {
  it("files each record under its deployment's workspace, project, app and environment", async () => {
    const now = Date.now();
    const sink = new PgRequestLogSink(database.pool);
    await sink.write([
      record(now, { requestId: "req_mine", environmentId: "env_claimed_by_config" }),
      record(now, { requestId: "req_unknown_host", deploymentId: undefined }),
    ]);
    const { rows } = await database.pool.query(
      `select request_id, workspace_id, project_id, app_id, environment_id from request_logs
        where request_id in ('req_mine', 'req_unknown_host') order by request_id`,
    );
    expect(rows).toEqual([
      {
        request_id: "req_mine",
        workspace_id: scope.workspaceId,
        project_id: scope.projectId,
        app_id: scope.appId,
        environment_id: scope.environmentId,
      },
      {
        request_id: "req_unknown_host",
        workspace_id: null,
        project_id: null,
        app_id: null,
        environment_id: scope.environmentId,
      },
    ]);
  });

  it("pages newest first with no duplicate and no gap while new requests keep arriving", async () => {
    const sink = new PgRequestLogSink(database.pool);
    const base = Date.now() - 60_000;
    // 600 requests over 30 distinct milliseconds: pages must break ties by id.
    const before = Array.from({ length: 600 }, (_, i) =>
      record(base + (i % 30), { requestId: `req_page_${i}`, path: "/paged" }),
    );
    for (let i = 0; i < before.length; i += 100) await sink.write(before.slice(i, i + 100));
    const reader = new PgRequestLogReader(database.pool);
    const filter = { ...filterFor(base - 1000, Date.now() + 60_000), pathPrefix: "/paged" };

    let inserting = true;
    const concurrent = (async () => {
      for (let n = 0; inserting; n++) {
        await sink.write([
          record(Date.now(), { requestId: `req_new_${n}`, path: "/paged" }),
          record(base + (n % 30), { requestId: `req_late_${n}`, path: "/paged" }),
        ]);
      }
    })();
    const seen: Array<{ id: string; time: number; requestId: string }> = [];
    let after: { time: number; id: string } | undefined;
    do {
      const page = await reader.list(filter, {
        limit: 37,
        withPayloads: false,
        ...(after ? { after } : {}),
      });
      seen.push(...page.items);
      after = page.next;
    } while (after);
    inserting = false;
    await concurrent;

    const ids = seen.map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    const requestIds = new Set(seen.map((row) => row.requestId));
    expect(before.filter((row) => !requestIds.has(row.requestId))).toEqual([]);
    for (let i = 1; i < seen.length; i++) {
      const [previous, current] = [seen[i - 1]!, seen[i]!];
      const ordered =
        previous.time > current.time ||
        (previous.time === current.time && BigInt(previous.id) > BigInt(current.id));
      expect(ordered, `row ${i} out of order`).toBe(true);
    }
  });
});

describe("query plans on 100 000 rows over three days", () => {
  const plan = async (statement: { text: string; values: unknown[] }) => {
    const { rows } = await database.pool.query(
      `explain (format json) ${statement.text}`,
      statement.values,
    );
    const nodes: Array<{ type: string; relation?: string }> = [];
    const walk = (node: Record<string, unknown>) => {
      nodes.push({
        type: node["Node Type"] as string,
        ...(node["Relation Name"] ? { relation: node["Relation Name"] as string } : {}),
      });
      for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? [])
        walk(child);
    };
    walk(rows[0]["QUERY PLAN"][0].Plan);
    return nodes;
  };

  it("reads one day's partition through an index when the window is one hour", async () => {
    const today = Math.floor(Date.now() / dayMs) * dayMs;
    // 100 000 rows from yesterday 00:00 to tomorrow 00:00 (three partitions), 20 workspaces.
    await database.pool.query(
      `insert into request_logs (time, workspace_id, environment_id, deployment_id, request_id,
         host, method, path, status, total_latency_ms, upstream_latency_ms, sentinel_latency_ms,
         region, outcome, client_ip)
       select $1::timestamptz + (n * interval '2592 milliseconds'),
              case when n % 20 = 0 then $2 else 'ws_other_' || (n % 20) end,
              'env_' || (n % 20), 'dep_' || (n % 40), 'req_bulk_' || n, 'h', 'GET', '/bulk',
              (array[200, 201, 301, 404, 500])[1 + n % 5], n % 100, n % 90, n % 10, 'eu-1',
              'allowed', '::1'
         from generate_series(1, 100000) as n`,
      [new Date(today - dayMs).toISOString(), scope.workspaceId],
    );
    await database.pool.query("analyze request_logs");
    const since = today + 10 * 3_600_000;
    const window = filterFor(since, since + 3_600_000);
    const todayPartition = `request_logs_p${new Date(today).toISOString().slice(0, 10).replaceAll("-", "")}`;

    for (const statement of [
      listStatement(window, { limit: 100, withPayloads: false }),
      listStatement(
        { ...window, status: ["5xx", 404], methods: ["GET"], pathPrefix: "/bu" },
        { limit: 100, withPayloads: true, after: { time: since + 1_800_000, id: "50000" } },
      ),
      listStatement(
        { ...window, environmentId: "env_0", readableEnvironments: ["env_0"] },
        { limit: 100, withPayloads: false },
      ),
      statsStatement(window, 60_000),
    ]) {
      const nodes = await plan(statement);
      const scanned = nodes.filter((node) => node.relation).map((node) => node.relation);
      expect(new Set(scanned), statement.text).toEqual(new Set([todayPartition]));
      expect(
        nodes.filter((node) => node.type === "Seq Scan"),
        statement.text,
      ).toEqual([]);
    }
  });
});
