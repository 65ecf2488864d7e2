import { defaultRuntime, newId } from "@slipway/shared";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { apps, deployments, domains } from "../../src/db/schema/index.js";
import { startTestApi, type TestApi, type TestWorkspace } from "../harness/api.js";
import { uniqueRedisPrefix } from "../harness/database.js";
import {
  eventually,
  type SentinelProcess,
  startSentinel,
  startUpstream,
  type TestUpstream,
} from "../harness/sentinel-process.js";

/**
 * keyauth and ratelimit policies in a running Sentinel against the control plane's keys:
 * keys created and deleted through the API, verified in-process by the keys package, and
 * ratelimit counters shared by two Sentinel processes through one Redis.
 */

let api: TestApi;
let workspace: TestWorkspace;
let upstream: TestUpstream;
let first: SentinelProcess;
let second: SentinelProcess;
let keyspaceId: string;
const refs = { project: "shop", app: "web", environment: "production" };
const host = "shop.example.com";

beforeAll(async () => {
  const redisPrefix = uniqueRedisPrefix();
  api = await startTestApi({ redis: true, env: { SLIPWAY_QUEUE_PREFIX: redisPrefix } });
  workspace = await api.newWorkspace();
  await workspace.sdk.projects.createProject({ name: "Shop", slug: "shop" });
  const appId = (await workspace.sdk.apps.createApp({ project: "shop", name: "Web", slug: "web" }))
    .data.appId;
  const environments = await workspace.sdk.environments.listEnvironments(refs);
  const [app] = await api.database.db.select().from(apps).where(eq(apps.id, appId));
  const deploymentId = newId("deployment");
  await api.database.db.insert(deployments).values({
    id: deploymentId,
    workspaceId: workspace.workspaceId,
    projectId: app!.projectId,
    appId,
    environmentId: environments.data.find((e) => e.slug === "production")!.id,
    status: "ready",
    trigger: "manual",
    gitCommitSha: "a".repeat(40),
    runtime: defaultRuntime,
    regions: ["eu-1"],
    createdAt: new Date(),
  });
  await api.database.db
    .update(apps)
    .set({ currentDeploymentId: deploymentId })
    .where(eq(apps.id, appId));
  await workspace.sdk.domains.createDomain({ ...refs, domain: host });
  await api.database.db.update(domains).set({ status: "verified" });
  keyspaceId = (await workspace.sdk.apis.createApi({ name: "shop-keys" })).data.apiId;

  upstream = await startUpstream("app");
  const env = {
    DATABASE_URL: api.database.url,
    REDIS_URL: api.config.REDIS_URL,
    SLIPWAY_QUEUE_PREFIX: redisPrefix,
    SENTINEL_INSTANCES: JSON.stringify({
      [deploymentId]: [{ id: "app", address: "127.0.0.1", port: upstream.port, region: "eu-1" }],
    }),
  };
  [first, second] = await Promise.all([startSentinel(env), startSentinel(env)]);
});

async function createKey(permissions: string[] = []) {
  const created = await workspace.sdk.keys.createKey({
    apiId: keyspaceId,
    name: "client",
    ...(permissions.length > 0 ? { permissions } : {}),
  });
  api.secrets.add(created.data.key);
  return created.data;
}

describe("keyauth with keys created through the API", () => {
  beforeAll(async () => {
    await workspace.sdk.gateway.setPolicies({
      ...refs,
      policies: [
        {
          name: "orders need a key",
          enabled: true,
          match: [{ path: { path: { prefix: "/orders" } } }],
          keyauth: { keyspaces: [keyspaceId], permissionQuery: "orders.read", credits: 0 },
        },
      ],
    });
    await eventually(async () => (await first.get(host, "/orders")).status === 401);
    await eventually(async () => (await second.get(host, "/orders")).status === 401);
  });

  it("forwards a valid key's request with X-Unkey-Principal and without the key", async () => {
    const { key, keyId } = await createKey(["orders.read"]);
    const seen = upstream.requests.length;
    const response = await first.get(host, "/orders/7", { authorization: `Bearer ${key}` });
    expect(response.status).toBe(200);
    const received = upstream.requests[seen]!;
    expect(received.path).toBe("/orders/7");
    expect(received.headers.authorization).toBeUndefined();
    expect(JSON.parse(String(received.headers["x-unkey-principal"]))).toMatchObject({
      keyId,
      keyspaceId,
      name: "client",
      permissions: ["orders.read"],
      roles: [],
    });
  });

  it("answers 401 for a missing or unknown key and 403 without the permission", async () => {
    expect((await first.get(host, "/orders")).status).toBe(401);
    const unknown = await first.get(host, "/orders", { authorization: "Bearer sk_not_a_real_key" });
    expect(unknown.status).toBe(401);
    expect(JSON.parse(unknown.body).error.status).toBe(401);
    const { key } = await createKey([]);
    expect((await first.get(host, "/orders", { authorization: `Bearer ${key}` })).status).toBe(403);
    expect((await first.get(host, "/public")).status).toBe(200);
  });

  it("refuses a key deleted through the API on every Sentinel, by notification", async () => {
    const { key, keyId } = await createKey(["orders.read"]);
    const auth = { authorization: `Bearer ${key}` };
    expect((await first.get(host, "/orders", auth)).status).toBe(200);
    expect((await second.get(host, "/orders", auth)).status).toBe(200);
    await workspace.sdk.keys.deleteKey({ keyId });
    // The key cache's TTL is 60 s: refusing sooner means the change was pushed.
    const firstMs = await eventually(
      async () => (await first.get(host, "/orders", auth)).status === 401,
    );
    const secondMs = await eventually(
      async () => (await second.get(host, "/orders", auth)).status === 401,
    );
    process.stdout.write(`deleted key refused after ${firstMs} / ${secondMs} ms\n`);
  });
});

describe("a ratelimit policy shared by two Sentinel processes", () => {
  const limited = {
    name: "per client",
    enabled: true,
    ratelimit: { limit: 5, windowMs: 60_000, identifiers: [{ header: { name: "x-client" } }] },
  };

  it("admits exactly the limit in total, and keeps counting across a setPolicies", async () => {
    await workspace.sdk.gateway.setPolicies({ ...refs, policies: [limited] });
    const probe = { "x-client": "probe" };
    await eventually(
      async () => (await first.get(host, "/", probe)).headers["x-ratelimit-limit"] === "5",
    );
    await eventually(
      async () => (await second.get(host, "/", probe)).headers["x-ratelimit-limit"] === "5",
    );

    const client = { "x-client": "tenant-a" };
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await (i % 2 === 0 ? first : second).get(host, "/", client)).status);
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(7);
    const denied = await first.get(host, "/", client);
    expect(denied.status).toBe(429);
    expect(denied.headers["x-ratelimit-remaining"]).toBe("0");
    expect(Number(denied.headers["retry-after"])).toBeGreaterThan(0);
    // Another client has its own counter.
    expect((await second.get(host, "/", { "x-client": "tenant-b" })).status).toBe(200);

    // The same policy again (fresh ids) behind a new one: the counts stay with the policy.
    await workspace.sdk.gateway.setPolicies({
      ...refs,
      policies: [
        {
          name: "blocked",
          enabled: true,
          match: [{ path: { path: { exact: "/blocked" } } }],
          firewall: { action: "ACTION_DENY" },
        },
        { ...limited, name: "renamed" },
      ],
    });
    const listed = await workspace.sdk.gateway.listPolicies(refs);
    expect(listed.data.map((p) => p.name)).toEqual(["blocked", "renamed"]);
    for (const sentinel of [first, second]) {
      await eventually(async () => (await sentinel.get(host, "/blocked", client)).status === 403);
    }
    expect((await first.get(host, "/", client)).status).toBe(429);
    expect((await second.get(host, "/", client)).status).toBe(429);
  });
});
