import {
  type DeploymentErrorCode,
  type DeploymentStatus,
  defaultRuntime,
  newId,
} from "@slipway/shared";
import * as errors from "@unkey/api/models/errors";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { apps, deployments, domains, environments } from "../../src/db/schema/index.js";
import { startTestApi, type TestApi, type TestWorkspace } from "../harness/api.js";

// Deployments are made by the pipeline, which has no public create route here yet, so rows are
// written straight into the database; everything is then read back through the official SDK.

const minuteMs = 60_000;
const start = Date.UTC(2026, 0, 1);

let api: TestApi;
let workspace: TestWorkspace;

interface Scope {
  projectId: string;
  appId: string;
  environmentIds: { production: string; preview: string };
}

let storefront: Scope;
let worker: Scope;

async function createApp(
  sdkWorkspace: TestWorkspace,
  project: string,
  app: string,
): Promise<Scope> {
  const { data } = await sdkWorkspace.sdk.apps.createApp({ project, name: app, slug: app });
  const rows = await api.database.db
    .select()
    .from(environments)
    .where(eq(environments.appId, data.appId));
  const environmentId = (slug: string) => rows.find((row) => row.slug === slug)!.id;
  return {
    projectId: rows[0]!.projectId,
    appId: data.appId,
    environmentIds: { production: environmentId("production"), preview: environmentId("preview") },
  };
}

async function insertDeployment(
  scope: Scope,
  input: {
    minute: number;
    status: DeploymentStatus;
    environment?: "production" | "preview";
    workspaceId?: string;
    branch?: string;
    error?: { code: DeploymentErrorCode; step: string; message: string };
  },
): Promise<string> {
  const createdAt = new Date(start + input.minute * minuteMs);
  const id = newId("deployment", createdAt.getTime());
  await api.database.db.insert(deployments).values({
    id,
    workspaceId: input.workspaceId ?? workspace.workspaceId,
    projectId: scope.projectId,
    appId: scope.appId,
    environmentId: scope.environmentIds[input.environment ?? "production"],
    status: input.status,
    trigger: "push",
    gitCommitSha: `${input.minute.toString(16).padStart(7, "0")}${"a".repeat(33)}`,
    gitBranch: input.branch ?? "main",
    gitRepository: "acme/storefront",
    runtime: {
      ...defaultRuntime,
      port: 3000,
      command: ["node", "server.js"],
      openapiSpecPath: "/openapi.json",
    },
    regions: ["eu-central-1", "us-east-1"],
    ...(input.error
      ? {
          errorCode: input.error.code,
          errorStep: input.error.step,
          errorMessage: input.error.message,
        }
      : {}),
    createdAt,
  });
  return id;
}

async function makeCurrent(scope: Scope, deploymentId: string) {
  await api.database.db
    .update(apps)
    .set({ currentDeploymentId: deploymentId })
    .where(eq(apps.id, scope.appId));
}

const ids: Record<string, string> = {};

beforeAll(async () => {
  api = await startTestApi();
  workspace = await api.newWorkspace();
  await workspace.sdk.projects.createProject({ name: "Shop", slug: "shop" });
  await workspace.sdk.projects.createProject({ name: "Jobs", slug: "jobs" });
  storefront = await createApp(workspace, "shop", "storefront");
  worker = await createApp(workspace, "jobs", "worker");

  ids.older = await insertDeployment(storefront, { minute: 1, status: "ready" });
  ids.failed = await insertDeployment(storefront, {
    minute: 2,
    status: "failed",
    error: { code: "build_failed", step: "build", message: "npm ci exited with code 1" },
  });
  ids.current = await insertDeployment(storefront, { minute: 3, status: "ready" });
  // Only previews are ever stopped (the SDK: production deployments cannot be).
  ids.stopped = await insertDeployment(storefront, {
    minute: 4,
    status: "stopped",
    environment: "preview",
  });
  ids.preview = await insertDeployment(storefront, {
    minute: 5,
    status: "ready",
    environment: "preview",
    branch: "feature/cart",
  });
  ids.newer = await insertDeployment(storefront, { minute: 6, status: "ready" });
  ids.building = await insertDeployment(storefront, { minute: 7, status: "building" });
  ids.worker = await insertDeployment(worker, { minute: 8, status: "ready" });
  await makeCurrent(storefront, ids.current!);

  const domainRow = (
    domain: string,
    status: "verified" | "pending",
    environment: "production" | "preview",
  ) => ({
    id: newId("domain"),
    workspaceId: workspace.workspaceId,
    projectId: storefront.projectId,
    appId: storefront.appId,
    environmentId: storefront.environmentIds[environment],
    domain,
    isApex: false,
    status,
    verificationToken: "token",
    verificationStartedAt: new Date(start),
    createdAt: new Date(start),
  });
  await api.database.db
    .insert(domains)
    .values([
      domainRow("shop.acme.com", "verified", "production"),
      domainRow("new.acme.com", "pending", "production"),
      domainRow("preview.acme.com", "verified", "preview"),
    ]);
});

describe("getDeployment through the official SDK", () => {
  it("shows the current deployment with its source, runtime, regions and verified domains", async () => {
    const { data } = await workspace.sdk.deployments.getDeployment({ deploymentId: ids.current! });
    expect(data).toMatchObject({
      id: ids.current,
      status: "ready",
      isCurrent: true,
      project: "shop",
      app: "storefront",
      environment: "production",
      git: { commitSha: `0000003${"a".repeat(33)}`, branch: "main" },
      regions: ["eu-central-1", "us-east-1"],
      availableActions: [],
      domains: ["shop.acme.com"],
      createdAt: start + 3 * minuteMs,
    });
    expect(data.runtime).toEqual({
      port: 3000,
      vCpus: defaultRuntime.vCpus,
      memoryMib: defaultRuntime.memoryMib,
      storageMib: defaultRuntime.storageMib,
      command: ["node", "server.js"],
      shutdownSignal: "SIGTERM",
      upstreamProtocol: "http1",
    });
    expect(data.error).toBeUndefined();
  });

  it.each([
    ["older", "ready production deployment older than the current one", ["rollback"]],
    ["newer", "ready production deployment newer than the current one", ["promote"]],
    ["preview", "ready preview deployment", ["stop"]],
    ["stopped", "stopped preview deployment", ["start"]],
    ["building", "building deployment", []],
    ["failed", "failed deployment", []],
  ])("offers a %s (%s) exactly %j", async (name, _description, actions) => {
    const { data } = await workspace.sdk.deployments.getDeployment({ deploymentId: ids[name]! });
    expect(data.isCurrent).toBe(false);
    expect(data.availableActions).toEqual(actions);
    // Only the deployment serving traffic lists the hostnames it is reachable at.
    expect(data.domains).toBeUndefined();
  });

  it("offers no promotion while the app has no current deployment (the SDK requires one)", async () => {
    const { data } = await workspace.sdk.deployments.getDeployment({ deploymentId: ids.worker! });
    expect(data.availableActions).toEqual([]);
  });

  it("explains a failed deployment with its code, step and message", async () => {
    const { data } = await workspace.sdk.deployments.getDeployment({ deploymentId: ids.failed! });
    expect(data.status).toBe("failed");
    expect(data.error).toEqual({
      code: "build_failed",
      step: "build",
      message: "npm ci exited with code 1",
    });
  });

  it("shows the branch a preview deployment came from", async () => {
    const { data } = await workspace.sdk.deployments.getDeployment({ deploymentId: ids.preview! });
    expect(data.environment).toBe("preview");
    expect(data.git).toEqual({ commitSha: `0000005${"a".repeat(33)}`, branch: "feature/cart" });
  });

  it("moves isCurrent and the domains when the app's current deployment changes", async () => {
    await makeCurrent(storefront, ids.newer!);
    try {
      const newer = await workspace.sdk.deployments.getDeployment({ deploymentId: ids.newer! });
      const previous = await workspace.sdk.deployments.getDeployment({
        deploymentId: ids.current!,
      });
      expect([newer.data.isCurrent, previous.data.isCurrent]).toEqual([true, false]);
      expect(newer.data.domains).toEqual(["shop.acme.com"]);
      expect(previous.data.domains).toBeUndefined();
      expect(previous.data.availableActions).toEqual(["rollback"]);
    } finally {
      await makeCurrent(storefront, ids.current!);
    }
  });

  it("answers 404 for an unknown id and for another workspace's deployment", async () => {
    await expect(
      workspace.sdk.deployments.getDeployment({ deploymentId: newId("deployment") }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);

    const other = await api.newWorkspace("other");
    await expect(
      other.sdk.deployments.getDeployment({ deploymentId: ids.current! }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    const listed = await other.sdk.deployments.listDeployments({});
    expect(listed.result.data).toEqual([]);
  });
});

describe("listDeployments through the official SDK", () => {
  async function listIds(request: Parameters<typeof workspace.sdk.deployments.listDeployments>[0]) {
    const page = await workspace.sdk.deployments.listDeployments(request);
    return page.result.data.map((deployment) => deployment.id);
  }

  it("lists every deployment in the workspace, newest first", async () => {
    expect(await listIds({})).toEqual([
      ids.worker,
      ids.building,
      ids.newer,
      ids.preview,
      ids.stopped,
      ids.current,
      ids.failed,
      ids.older,
    ]);
  });

  it("filters by project, app, environment and status", async () => {
    expect(await listIds({ project: "jobs" })).toEqual([ids.worker]);
    expect(await listIds({ project: "shop", app: "storefront", environment: "preview" })).toEqual([
      ids.preview,
      ids.stopped,
    ]);
    expect(
      await listIds({ project: "shop", app: "storefront", environment: "production" }),
    ).toEqual([ids.building, ids.newer, ids.current, ids.failed, ids.older]);
    expect(await listIds({ project: "shop", app: "storefront", status: ["ready"] })).toEqual([
      ids.newer,
      ids.preview,
      ids.current,
      ids.older,
    ]);
    expect(await listIds({ status: ["failed", "stopped"] })).toEqual([ids.stopped, ids.failed]);
    expect(await listIds({ project: "jobs", status: ["failed"] })).toEqual([]);
  });

  it("reports the same view as getDeployment, including isCurrent and domains", async () => {
    const page = await workspace.sdk.deployments.listDeployments({
      project: "shop",
      app: "storefront",
    });
    const current = page.result.data.filter((deployment) => deployment.isCurrent);
    expect(current.map((deployment) => deployment.id)).toEqual([ids.current]);
    const single = await workspace.sdk.deployments.getDeployment({ deploymentId: ids.current! });
    expect(current[0]).toEqual(single.data);
  });

  it("pages with a cursor without repeating or skipping a deployment", async () => {
    const seen: string[] = [];
    const pageSizes: number[] = [];
    const hasMore: boolean[] = [];
    for await (const page of await workspace.sdk.deployments.listDeployments({ limit: 3 })) {
      pageSizes.push(page.result.data.length);
      hasMore.push(page.result.pagination.hasMore);
      seen.push(...page.result.data.map((deployment) => deployment.id));
    }
    expect(pageSizes).toEqual([3, 3, 2]);
    expect(hasMore).toEqual([true, true, false]);
    expect(seen).toEqual(await listIds({}));
  });

  it("answers 404 for an unknown project and 400 for an app without its project", async () => {
    await expect(
      workspace.sdk.deployments.listDeployments({ project: "nope" }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    await expect(
      workspace.sdk.deployments.listDeployments({ app: "storefront" }),
    ).rejects.toBeInstanceOf(errors.BadRequestErrorResponse);
  });
});
