import { defaultRuntime, newId } from "@slipway/shared";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { apps, deployments, environments } from "../../src/db/schema/index.js";
import { completeRollout } from "../../src/deployments/complete-rollout.js";
import { previewHostnames } from "../../src/deployments/preview-hostnames.js";
import { startTestApi, type TestApi, type TestWorkspace } from "../harness/api.js";
import { uniqueRedisPrefix } from "../harness/database.js";
import {
  eventually,
  type SentinelProcess,
  startSentinel,
  startUpstream,
} from "../harness/sentinel-process.js";

/**
 * The environment's stable hostname through a real Sentinel on the control plane's data: it
 * answers with the app's current deployment, so a rollback and a promote through the API move
 * it; each deployment's own name keeps answering; two workspaces with the same project and
 * app slugs get different names, and neither can take the other's.
 */

// A preview domain under a real top-level domain, so that custom domains under it are checked
// by the rule that protects it rather than refused as not registrable.
const previewDomain = "apps.slipway-test.dev";
const refs = { project: "shop", app: "web", environment: "production" };

interface Tenant {
  workspace: TestWorkspace;
  appId: string;
  environmentId: string;
  /** Production deployments, oldest first, each answered by an upstream of the same label. */
  deploymentIds: string[];
}

let api: TestApi;
let sentinel: SentinelProcess;
let alpha: Tenant;
let beta: Tenant;

async function newTenant(deploymentCount: number): Promise<Tenant> {
  const workspace = await api.newWorkspace();
  await workspace.sdk.projects.createProject({ name: "Shop", slug: "shop" });
  const { appId } = (
    await workspace.sdk.apps.createApp({ project: "shop", name: "Web", slug: "web" })
  ).data;
  const listed = await workspace.sdk.environments.listEnvironments(refs);
  const environmentId = listed.data.find((e) => e.slug === "production")!.id;
  // Ids made in one millisecond order by their random part: sorted, the first is the oldest.
  const deploymentIds = Array.from({ length: deploymentCount }, () => newId("deployment")).sort();
  return { workspace, appId, environmentId, deploymentIds };
}

/** A production deployment goes live the way the deploy job finishes one. */
async function rollOut(tenant: Tenant, deploymentId: string) {
  const [app] = await api.database.db.select().from(apps).where(eq(apps.id, tenant.appId));
  await api.database.db.insert(deployments).values({
    id: deploymentId,
    workspaceId: tenant.workspace.workspaceId,
    projectId: app!.projectId,
    appId: tenant.appId,
    environmentId: tenant.environmentId,
    status: "deploying",
    trigger: "manual",
    runtime: defaultRuntime,
    regions: ["eu-1"],
    createdAt: new Date(),
  });
  const won = await completeRollout(api.database.db, {
    deployment: {
      id: deploymentId,
      appId: tenant.appId,
      environmentId: tenant.environmentId,
      gitBranch: null,
    },
    environmentKind: "production",
    environmentSlug: "production",
    appSlug: "web",
    previewDomain,
    at: new Date(),
  });
  expect(won).toBeDefined();
}

async function stableHostOf(tenant: Tenant): Promise<string> {
  const [row] = await api.database.db
    .select({ hostname: environments.hostname })
    .from(environments)
    .where(eq(environments.id, tenant.environmentId));
  return row!.hostname!;
}

const ownHostOf = (tenant: Tenant, deploymentId: string) =>
  previewHostnames({
    appId: tenant.appId,
    appSlug: "web",
    environmentId: tenant.environmentId,
    branch: null,
    deploymentId,
    previewDomain,
  }).deployment;

/** Slipway's `urls` extension, which the SDK's model does not carry. */
async function urlsOf(tenant: Tenant, deploymentId: string): Promise<string[]> {
  const response = await api.post(
    "/v2/deployments.getDeployment",
    { deploymentId },
    tenant.workspace.rootKey,
  );
  return ((await response.json()) as { data: { urls: string[] } }).data.urls;
}

const bodyOf = async (host: string) => (await sentinel.get(host)).body;

beforeAll(async () => {
  const redisPrefix = uniqueRedisPrefix();
  api = await startTestApi({
    redis: true,
    env: {
      SLIPWAY_QUEUE_PREFIX: redisPrefix,
      SLIPWAY_PREVIEW_DOMAIN: previewDomain,
      SLIPWAY_APP_URL_SCHEME: "http",
    },
  });
  alpha = await newTenant(2);
  beta = await newTenant(1);
  const labelled = [
    ["alpha-older", alpha.deploymentIds[0]!],
    ["alpha-newer", alpha.deploymentIds[1]!],
    ["beta", beta.deploymentIds[0]!],
  ] as const;
  const instances: Record<string, unknown> = {};
  for (const [label, deploymentId] of labelled) {
    const upstream = await startUpstream(label);
    instances[deploymentId] = [
      { id: `i${upstream.port}`, address: "127.0.0.1", port: upstream.port, region: "eu-1" },
    ];
  }
  sentinel = await startSentinel({
    DATABASE_URL: api.database.url,
    REDIS_URL: api.config.REDIS_URL,
    SLIPWAY_QUEUE_PREFIX: redisPrefix,
    SENTINEL_INSTANCES: JSON.stringify(instances),
  });
  for (const deploymentId of alpha.deploymentIds) await rollOut(alpha, deploymentId);
  await rollOut(beta, beta.deploymentIds[0]!);
});

describe("an environment's stable hostname", () => {
  it("answers with the current deployment and is listed first among its URLs", async () => {
    const host = await stableHostOf(alpha);
    expect(host).toMatch(/^web-production-[0-9a-f]{12}\.apps\.slipway-test\.dev$/);
    await eventually(async () => (await bodyOf(host)) === "alpha-newer");
    expect((await urlsOf(alpha, alpha.deploymentIds[1]!))[0]).toBe(`http://${host}`);
    // The older deployment is not current: its URLs are its own name only.
    expect(await urlsOf(alpha, alpha.deploymentIds[0]!)).toEqual([
      `http://${ownHostOf(alpha, alpha.deploymentIds[0]!)}`,
    ]);
  });

  it("follows a rollback and a promote; each deployment's own name keeps answering", async () => {
    const host = await stableHostOf(alpha);
    const [older, newer] = alpha.deploymentIds as [string, string];
    await alpha.workspace.sdk.deployments.rollbackDeployment({ deploymentId: older });
    await eventually(async () => (await bodyOf(host)) === "alpha-older");
    expect(await bodyOf(ownHostOf(alpha, newer))).toBe("alpha-newer");
    await alpha.workspace.sdk.deployments.promoteDeployment({ deploymentId: newer });
    await eventually(async () => (await bodyOf(host)) === "alpha-newer");
    expect(await bodyOf(ownHostOf(alpha, older))).toBe("alpha-older");
    expect(await bodyOf(ownHostOf(alpha, newer))).toBe("alpha-newer");
  });

  it("differs between workspaces whose project and app slugs are the same", async () => {
    const alphaHost = await stableHostOf(alpha);
    const betaHost = await stableHostOf(beta);
    expect(betaHost).not.toBe(alphaHost);
    expect(await bodyOf(betaHost)).toBe("beta");
    expect(await bodyOf(alphaHost)).toBe("alpha-newer");
  });

  it("cannot be taken by another workspace as a custom domain, nor any name under the preview domain", async () => {
    const alphaHost = await stableHostOf(alpha);
    for (const domain of [alphaHost, previewDomain, `anything.${previewDomain}`]) {
      const attempt = await api.post(
        "/v2/domains.createDomain",
        { ...refs, domain },
        beta.workspace.rootKey,
      );
      expect(attempt.status).toBe(400);
      expect(JSON.stringify(await attempt.json())).toContain("where Slipway names deployments");
    }
    expect(await bodyOf(alphaHost)).toBe("alpha-newer");
  });

  it("is unique in the database: a second environment cannot store another's name", async () => {
    const alphaHost = await stableHostOf(alpha);
    await expect(
      api.database.db
        .update(environments)
        .set({ hostname: alphaHost })
        .where(eq(environments.id, beta.environmentId)),
    ).rejects.toThrow();
    expect(await bodyOf(alphaHost)).toBe("alpha-newer");
  });
});
