import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { maintainRequestLogPartitions } from "@slipway/request-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRootKey } from "../../src/services/workspaces.js";
import { startTestApi, type TestApi, type TestWorkspace } from "../harness/api.js";
import { insertDeployment } from "../harness/deployment-rows.js";
import { startSentinelProcess } from "../harness/sentinel-file-process.js";
import { startTcpProxy } from "../harness/tcp-proxy.js";

// Requests go through a real Sentinel process into the real database (through a TCP proxy the
// test can take down), and come back out of the API's request-log endpoints.

const headerSecret = "sk_header_secret_0123456789";
const querySecret = "sk_query_secret_9876543210";
const host = "shop.test";

let api: TestApi;
let workspace: TestWorkspace;
let scope: { projectId: string; appId: string; environmentId: string; deploymentId: string };
let sentinel: Awaited<ReturnType<typeof startSentinelProcess>>;
let store: Awaited<ReturnType<typeof startTcpProxy>>;
let upstream: http.Server;
const started = Date.now();

/** A project, app and ready deployment in the workspace, through the SDK where it can. */
async function deploymentIn(target: TestWorkspace, slug: string) {
  const project = await target.sdk.projects.createProject({ name: slug, slug });
  const app = await target.sdk.apps.createApp({ project: slug, name: "App", slug: "app" });
  const { rows } = await api.database.pool.query(
    "select id from environments where app_id = $1 and slug = 'production'",
    [app.data.appId],
  );
  const ids = {
    workspaceId: target.workspaceId,
    projectId: project.data.id,
    appId: app.data.appId,
    environmentId: rows[0].id as string,
  };
  const deploymentId = await insertDeployment(api.database.db, ids, {
    status: "ready",
    createdAt: new Date(),
  });
  return { ...ids, deploymentId };
}

function send(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Buffer } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${sentinel.url}${path}`,
      { method, headers: { host, ...options.headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode!, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    request.on("error", reject);
    request.end(options.body);
  });
}

interface Listed {
  data: Array<Record<string, unknown> & { path: string; status: number; requestId: string }>;
  pagination: { hasMore: boolean; cursor?: string };
}

async function list(body: Record<string, unknown>, rootKey = workspace.rootKey) {
  const response = await api.post("/v2/requestLogs.listRequestLogs", body, rootKey);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Listed;
}

/** Polls the endpoint until `count` logs match (Sentinel writes in batches off the request path). */
async function waitForLogs(body: Record<string, unknown>, count: number): Promise<Listed> {
  for (;;) {
    const page = await list({ ...body, limit: 100 });
    if (page.data.length >= count) return page;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  api = await startTestApi();
  workspace = await api.newWorkspace("logs");
  api.secrets.add(headerSecret);
  api.secrets.add(querySecret);
  scope = await deploymentIn(workspace, "shop");
  await maintainRequestLogPartitions(api.database.pool, Date.now(), {
    retentionDays: 7,
    daysAhead: 3,
  });
  upstream = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      if (request.url?.startsWith("/big")) return response.end("b".repeat(100 * 1024));
      response.statusCode = request.url?.startsWith("/fail") ? 502 : 200;
      response.setHeader("set-cookie", "session=upstream-cookie-value");
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const database = new URL(api.database.url);
  store = await startTcpProxy({ host: database.hostname, port: Number(database.port) });
  database.port = String(store.port);
  sentinel = await startSentinelProcess({
    configFile: join(tmpdir(), `sentinel-request-logs-${process.pid}.json`),
    env: { SENTINEL_REQUEST_LOG_DATABASE_URL: database.toString() },
    config: {
      routes: [
        {
          hosts: [host],
          environmentId: scope.environmentId,
          deploymentId: scope.deploymentId,
          policies: [
            {
              id: "pol_log",
              name: "log everything",
              enabled: true,
              logging: {
                requestHeaders: true,
                responseHeaders: true,
                requestBody: true,
                responseBody: true,
                query: true,
              },
            },
            {
              id: "pol_fw",
              name: "no admin",
              enabled: true,
              match: [{ path: { path: { prefix: "/admin" } } }],
              firewall: { action: "ACTION_DENY" },
            },
            {
              id: "pol_keys",
              name: "keys",
              enabled: true,
              match: [{ path: { path: { prefix: "/private" } } }],
              keyauth: {
                keyspaces: ["ks_1"],
                locations: [{ bearer: {} }, { queryParam: { name: "api_key" } }],
              },
            },
          ],
        },
      ],
      instances: {
        [scope.deploymentId]: [
          {
            id: "inst-1",
            address: "127.0.0.1",
            port: (upstream.address() as AddressInfo).port,
            region: "eu-1",
          },
        ],
      },
    },
  });
}, 60_000);

afterAll(async () => {
  await sentinel?.stop();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
});

describe("request logs from Sentinel to the API", () => {
  it("stores allowed and denied requests, capped and without secrets, and filters them", async () => {
    expect((await send("GET", "/hello?x=1")).status).toBe(200);
    expect((await send("POST", "/upload", { body: Buffer.alloc(100 * 1024, "u") })).status).toBe(
      200,
    );
    expect((await send("GET", "/big")).status).toBe(200);
    expect((await send("DELETE", "/fail")).status).toBe(502);
    expect((await send("GET", "/admin/users")).status).toBe(403);
    const denied = await send("GET", `/private/data?api_key=${querySecret}&page=2`, {
      headers: { authorization: `Bearer ${headerSecret}`, cookie: "session=client-cookie" },
    });
    expect(denied.status).toBe(401);

    const all = await waitForLogs({}, 6);
    expect(all.data.map((log) => [log.path, log.status])).toEqual([
      ["/private/data", 401],
      ["/admin/users", 403],
      ["/fail", 502],
      ["/big", 200],
      ["/upload", 200],
      ["/hello", 200],
    ]);
    expect(all.data[1]).toMatchObject({
      outcome: "denied",
      policyId: "pol_fw",
      policyName: "no admin",
      projectId: scope.projectId,
      appId: scope.appId,
      environmentId: scope.environmentId,
      deploymentId: scope.deploymentId,
      region: "eu-1",
      host,
    });
    expect(all.data[1]).not.toHaveProperty("requestBody");

    const paths = async (filter: Record<string, unknown>) =>
      (await list(filter)).data.map((log) => log.path);
    expect(await paths({ status: [403] })).toEqual(["/admin/users"]);
    expect(await paths({ status: ["4xx"] })).toEqual(["/private/data", "/admin/users"]);
    expect(await paths({ status: ["5xx", 401] })).toEqual(["/private/data", "/fail"]);
    expect(await paths({ status: ["2xx"] })).toEqual(["/big", "/upload", "/hello"]);
    expect(await paths({ methods: ["post", "DELETE"] })).toEqual(["/fail", "/upload"]);
    expect(await paths({ hosts: ["SHOP.test"] })).toHaveLength(6);
    expect(await paths({ hosts: ["other.test"] })).toEqual([]);
    expect(await paths({ pathPrefix: "/ad" })).toEqual(["/admin/users"]);
    expect(await paths({ pathPrefix: "/%" })).toEqual([]);
    expect(await paths({ regions: ["eu-1"] })).toHaveLength(6);
    expect(await paths({ regions: ["us-1"] })).toEqual([]);
    expect(await paths({ instances: ["inst-1"] })).toEqual(["/fail", "/big", "/upload", "/hello"]);
    expect(await paths({ deploymentId: scope.deploymentId })).toHaveLength(6);
    expect(await paths({ deploymentId: "dep_other" })).toEqual([]);
    expect(await paths({ environmentId: scope.environmentId })).toHaveLength(6);
    expect(await paths({ outcomes: ["denied"] })).toEqual(["/private/data", "/admin/users"]);
    expect(await paths({ requestIds: [all.data[1]!.requestId, all.data[3]!.requestId] })).toEqual([
      "/admin/users",
      "/big",
    ]);
    expect(await paths({ requestIds: ["req_unknown"] })).toEqual([]);
    expect(await paths({ since: started - 3_600_000, until: started })).toEqual([]);
    expect(await paths({ since: started, until: Date.now() + 1000 })).toHaveLength(6);

    // Pages of two, newest first, the cursor carrying on where the last page ended.
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await list({ limit: 2, ...(cursor ? { cursor } : {}) });
      pages.push(page.data.map((log) => log.path));
      cursor = page.pagination.cursor;
    } while (cursor);
    expect(pages.flat()).toEqual(all.data.map((log) => log.path));
    expect(pages).toHaveLength(3);

    const withPayloads = await list({ includePayloads: true, limit: 10 });
    const byPath = new Map(withPayloads.data.map((log) => [log.path, log]));
    expect(byPath.get("/upload")).toMatchObject({
      requestBodyTruncated: true,
      responseBody: "ok",
      responseBodyTruncated: false,
    });
    expect((byPath.get("/upload")!.requestBody as string).length).toBe(64 * 1024);
    expect((byPath.get("/big")!.responseBody as string).length).toBe(64 * 1024);
    expect(byPath.get("/big")!.responseBodyTruncated).toBe(true);
    const secretRequest = byPath.get("/private/data")!;
    expect(secretRequest.query).toBe("api_key=[REDACTED]&page=2");
    expect(secretRequest.requestHeaders).toMatchObject({
      authorization: ["[REDACTED]"],
      cookie: ["[REDACTED]"],
    });
    expect(byPath.get("/hello")!.responseHeaders).toMatchObject({ "set-cookie": ["[REDACTED]"] });

    const everything = await api.database.pool.query(
      "select request_logs::text as row from request_logs",
    );
    const stored = everything.rows.map((row) => row.row as string).join("\n");
    for (const secret of [headerSecret, querySecret, "client-cookie", "upstream-cookie-value"])
      expect(stored).not.toContain(secret);
    expect(JSON.stringify(withPayloads)).not.toContain(headerSecret);
  });

  it("logs a target Sentinel cannot parse without its query", async () => {
    const secret = "sk_unparsed_target_secret_42";
    api.secrets.add(secret);
    expect((await send("GET", `/bad%zz?api_key=${secret}`)).status).toBe(400);
    const logged = await waitForLogs({ status: [400] }, 1);
    expect(logged.data.map((log) => log.path)).toEqual(["/bad%zz"]);
    const stored = await api.database.pool.query(
      "select count(*)::int as n from request_logs where request_logs::text like $1",
      [`%${secret}%`],
    );
    expect(stored.rows[0].n).toBe(0);
  });

  it("answers count and p50/p99 latency per status class in time buckets", async () => {
    const response = await api.post(
      "/v2/requestLogs.getRequestLogStats",
      { since: started - 60_000, until: Date.now() + 60_000, bucketMs: 3_600_000 },
      workspace.rootKey,
    );
    expect(response.status).toBe(200);
    const { data } = await response.json();
    expect(data.bucketMs).toBe(3_600_000);
    const counts = Object.fromEntries(
      data.buckets.map((bucket: { statusClass: string; count: number }) => [
        bucket.statusClass,
        bucket.count,
      ]),
    );
    expect(counts).toEqual({ "2xx": 3, "4xx": 3, "5xx": 1 });
    for (const bucket of data.buckets) {
      expect(bucket.start).toBe(started - 60_000);
      expect(bucket.p99LatencyMs).toBeGreaterThanOrEqual(bucket.p50LatencyMs);
    }
  });

  it("shows another workspace nothing, and a key limited to environments only those", async () => {
    const other = await api.newWorkspace("other");
    await deploymentIn(other, "other");
    expect((await list({}, other.rootKey)).data).toEqual([]);
    const stats = await api.post("/v2/requestLogs.getRequestLogStats", {}, other.rootKey);
    expect((await stats.json()).data.buckets).toEqual([]);

    const keyFor = async (permissions: string[]) =>
      (
        await addRootKey(api.database.db, {
          workspaceId: workspace.workspaceId,
          keyName: permissions.join(" "),
          permissions,
        })
      ).rootKey;
    const ownEnvironment = await keyFor([`environment.${scope.environmentId}.read_request_log`]);
    expect((await list({}, ownEnvironment)).data.length).toBeGreaterThanOrEqual(6);
    const otherEnvironment = await keyFor(["environment.env_elsewhere.read_request_log"]);
    expect((await list({}, otherEnvironment)).data).toEqual([]);
    const noGrant = await keyFor(["environment.*.read_domain"]);
    const refused = await api.post("/v2/requestLogs.listRequestLogs", {}, noGrant);
    expect(refused.status).toBe(403);
  });

  it("keeps serving with the store down or hung, counting what it dropped, and writes again after", async () => {
    const droppedTotal = () =>
      Math.max(
        0,
        ...sentinel.logLines
          .filter((line) => line.msg === "request logs dropped")
          .map((line) => line.droppedTotal as number),
      );
    const before = droppedTotal();
    await store.down();
    for (let i = 0; i < 5; i++) expect((await send("GET", `/while-down/${i}`)).status).toBe(200);
    while (droppedTotal() < before + 5) await new Promise((resolve) => setTimeout(resolve, 100));

    // A store that accepts connections and never answers: the write times out, nothing waits.
    await store.up();
    store.hang();
    const hungBefore = droppedTotal();
    for (let i = 0; i < 3; i++)
      expect((await send("GET", `/while-down/hung-${i}`)).status).toBe(200);
    while (droppedTotal() < hungBefore + 3)
      await new Promise((resolve) => setTimeout(resolve, 100));

    await store.up();
    expect((await send("GET", "/after-recovery")).status).toBe(200);
    const after = await waitForLogs({ pathPrefix: "/after-recovery" }, 1);
    expect(after.data).toHaveLength(1);
    expect((await list({ pathPrefix: "/while-down" })).data).toEqual([]);
  });
});
