import { defaultRuntime, newId } from "@slipway/shared";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { apps, deployments, domains } from "../../src/db/schema/index.js";
import { completeRollout } from "../../src/deployments/complete-rollout.js";
import { previewHostnames } from "../../src/deployments/preview-hostnames.js";
import { startTestApi, type TestApi, type TestWorkspace } from "../harness/api.js";
import { uniqueRedisPrefix } from "../harness/database.js";
import {
  type CuttableProxy,
  eventually,
  type SentinelProcess,
  spawnSentinel,
  startDatabaseProxy,
  startSentinel,
  startUpstream,
} from "../harness/sentinel-process.js";

/**
 * Sentinel (`npm run sentinel`, its own process) on the control plane's data: every change
 * made through the API or the deployment lifecycle reaches it by NOTIFY, and it keeps serving
 * while PostgreSQL is unreachable.
 */

let api: TestApi;
let workspace: TestWorkspace;
let sentinel: SentinelProcess;
let database: CuttableProxy;
let sentinelEnv: Record<string, string>;
const refs = { project: "shop", app: "web", environment: "production" };
const ids = { app: "", production: "", preview: "", older: "", current: "", preview1: "" };
/** How long each change took to be served, for the report (not asserted: see `eventually`). */
const latencies: Record<string, number> = {};

async function insertDeployment(id: string, environmentId: string, status: "ready" | "deploying") {
  const [app] = await api.database.db.select().from(apps).where(eq(apps.id, ids.app));
  await api.database.db.insert(deployments).values({
    id,
    workspaceId: workspace.workspaceId,
    projectId: app!.projectId,
    appId: ids.app,
    environmentId,
    status,
    trigger: "manual",
    gitBranch: "feature/login",
    gitCommitSha: "a".repeat(40),
    runtime: defaultRuntime,
    regions: ["eu-1"],
    createdAt: new Date(),
  });
}

const bodyOf = async (host: string, path = "/") => (await sentinel.get(host, path)).body;
const statusOf = async (host: string, path = "/") => (await sentinel.get(host, path)).status;

beforeAll(async () => {
  const redisPrefix = uniqueRedisPrefix();
  api = await startTestApi({ redis: true, env: { SLIPWAY_QUEUE_PREFIX: redisPrefix } });
  workspace = await api.newWorkspace();
  await workspace.sdk.projects.createProject({ name: "Shop", slug: "shop" });
  ids.app = (
    await workspace.sdk.apps.createApp({ project: "shop", name: "Web", slug: "web" })
  ).data.appId;
  const environments = await workspace.sdk.environments.listEnvironments(refs);
  ids.production = environments.data.find((e) => e.slug === "production")!.id;
  ids.preview = environments.data.find((e) => e.slug !== "production")!.id;
  ids.older = newId("deployment");
  ids.current = newId("deployment");
  ids.preview1 = newId("deployment");
  await insertDeployment(ids.older, ids.production, "ready");
  await insertDeployment(ids.current, ids.production, "ready");
  await api.database.db
    .update(apps)
    .set({ currentDeploymentId: ids.current })
    .where(eq(apps.id, ids.app));
  await workspace.sdk.domains.createDomain({ ...refs, domain: "shop.example.com" });
  // Verification needs DNS; what Sentinel cares about is the verified row.
  await api.database.db.update(domains).set({ status: "verified" });

  const upstreams = {
    older: await startUpstream("older"),
    current: await startUpstream("current"),
    preview1: await startUpstream("preview1"),
  };
  const instance = (port: number) => [
    { id: `i${port}`, address: "127.0.0.1", port, region: "eu-1" },
  ];
  database = await startDatabaseProxy(api.database.url);
  sentinelEnv = {
    DATABASE_URL: database.url,
    REDIS_URL: api.config.REDIS_URL,
    SLIPWAY_QUEUE_PREFIX: redisPrefix,
    SENTINEL_INSTANCES: JSON.stringify({
      [ids.older]: instance(upstreams.older.port),
      [ids.current]: instance(upstreams.current.port),
      [ids.preview1]: instance(upstreams.preview1.port),
    }),
  };
  sentinel = await startSentinel(sentinelEnv);
});

describe("Sentinel on the control plane's data", () => {
  it("routes a verified domain to the app's current deployment; an unknown host is 404", async () => {
    expect(await sentinel.get("shop.example.com")).toMatchObject({ status: 200, body: "current" });
    expect(await statusOf("Shop.Example.com:443")).toBe(200);
    expect(await statusOf("other.example.com")).toBe(404);
  });

  it("enforces a policy set through the SDK, and an update of it", async () => {
    await workspace.sdk.gateway.setPolicies({
      ...refs,
      policies: [
        {
          name: "no admin",
          enabled: true,
          match: [{ path: { path: { prefix: "/admin" } } }],
          firewall: { action: "ACTION_DENY" },
        },
      ],
    });
    latencies.setPolicies = await eventually(
      async () => (await statusOf("shop.example.com", "/admin")) === 403,
    );
    expect(await statusOf("shop.example.com", "/x/../%61dmin")).toBe(403);
    expect(await statusOf("shop.example.com", "/")).toBe(200);
    const [policy] = (await workspace.sdk.gateway.listPolicies(refs)).data;
    await workspace.sdk.gateway.updatePolicy({ ...refs, policyId: policy!.id, enabled: false });
    latencies.updatePolicy = await eventually(
      async () => (await statusOf("shop.example.com", "/admin")) === 200,
    );
    await workspace.sdk.gateway.setPolicies({ ...refs, policies: [] });
  });

  it("follows a rollback and a promote through the API", async () => {
    await workspace.sdk.deployments.rollbackDeployment({ deploymentId: ids.older });
    latencies.rollback = await eventually(
      async () => (await bodyOf("shop.example.com")) === "older",
    );
    await workspace.sdk.deployments.promoteDeployment({ deploymentId: ids.current });
    latencies.promote = await eventually(
      async () => (await bodyOf("shop.example.com")) === "current",
    );
  });

  it("serves a domain once verified and stops when it is deleted", async () => {
    const { domainId } = (
      await workspace.sdk.domains.createDomain({ ...refs, domain: "api.example.com" })
    ).data;
    expect(await statusOf("api.example.com")).toBe(404);
    await api.database.db
      .update(domains)
      .set({ status: "verified" })
      .where(eq(domains.id, domainId));
    latencies.domainVerified = await eventually(
      async () => (await bodyOf("api.example.com")) === "current",
    );
    await workspace.sdk.domains.deleteDomain({ domain: domainId });
    latencies.domainDeleted = await eventually(
      async () => (await statusOf("api.example.com")) === 404,
    );
  });

  it("serves a preview's branch and deployment hostnames once its rollout completes", async () => {
    await insertDeployment(ids.preview1, ids.preview, "deploying");
    const names = previewHostnames({
      appId: ids.app,
      appSlug: "web",
      environmentId: ids.preview,
      branch: "feature/login",
      deploymentId: ids.preview1,
      previewDomain: "preview.slipway.local",
    });
    expect(await statusOf(names.deployment)).toBe(404);
    await completeRollout(api.database.db, {
      deployment: {
        id: ids.preview1,
        appId: ids.app,
        environmentId: ids.preview,
        gitBranch: "feature/login",
      },
      environmentKind: "preview",
      environmentSlug: "preview",
      appSlug: "web",
      previewDomain: "preview.slipway.local",
      at: new Date(),
    });
    latencies.previewReady = await eventually(
      async () => (await bodyOf(names.deployment)) === "preview1",
    );
    expect(await bodyOf(names.branch!)).toBe("preview1");
  });

  it("keeps serving its last config while PostgreSQL is unreachable, then catches up", async () => {
    await database.cut();
    await eventually(async () => sentinel.output.join("").includes("config database unreachable"));
    for (let i = 0; i < 5; i++) expect(await bodyOf("shop.example.com")).toBe("current");
    await workspace.sdk.gateway.setPolicies({
      ...refs,
      policies: [{ name: "closed", enabled: true, firewall: { action: "ACTION_DENY" } }],
    });
    expect(await statusOf("shop.example.com")).toBe(200);
    await database.restore();
    // Every worker process has its own LISTEN connection and reconnects on its own backoff:
    // caught up when requests spread over the workers (a new connection each, round robin)
    // all see the new policy.
    latencies.afterOutage = await eventually(async () => {
      for (let i = 0; i < 8; i++) if ((await statusOf("shop.example.com")) !== 403) return false;
      return true;
    });
    process.stdout.write(`sentinel config latencies (ms): ${JSON.stringify(latencies)}\n`);
  });

  it("becomes ready only with its first config: not while PostgreSQL is unreachable at boot", async () => {
    await database.cut();
    const late = await spawnSentinel(sentinelEnv);
    await eventually(async () => late.output.join("").includes("config database unreachable"));
    await expect(late.get("shop.example.com")).rejects.toThrow(/ECONNREFUSED/);
    await database.restore();
    await late.listening;
    // The policy set during the outage above denies everything (the first Sentinel's workers
    // are back on PostgreSQL after their own reconnect backoff).
    await eventually(async () => (await statusOf("shop.example.com")) === 403);
    expect((await late.get("shop.example.com")).status).toBe(403);
  });
});
