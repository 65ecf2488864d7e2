import { deploymentCrPath, newId, type SlipwayDeployment } from "@slipway/shared";
import * as errors from "@unkey/api/models/errors";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  apps,
  deploymentSteps,
  deployments,
  domains,
  environments,
} from "../../src/db/schema/index.js";
import { crNameOf, envSecretNameOf, secretPathOf } from "../../src/deploy/object-names.js";
import { runDeployJob } from "../../src/deploy/run-deploy-job.js";
import type { TestWorkspace } from "../harness/api.js";
import { startTestCluster, type TestCluster, testPreviewDomain } from "../harness/cluster.js";
import { deploymentReaches, handOffToDeploy } from "../harness/deploy-fixtures.js";
import { startTestPipelineWithApp, type TestPipeline } from "../harness/pipeline.js";
import { expectPreconditionFailed } from "./lifecycle-errors.js";

const secretValue = "postgres://shop:correct-horse-battery@db.internal/shop";
const image = (n: number) =>
  `registry.invalid/shop/web@sha256:${String(n).repeat(64).slice(0, 64)}`;

let cluster: TestCluster;
let pipeline: TestPipeline;
let workspace: TestWorkspace;
let appId: string;
const ids: Record<string, string> = {};

const handOff = (n: number, options: { enqueue?: boolean } = {}) =>
  handOffToDeploy(pipeline.api.database.db, pipeline.jobs, {
    workspaceId: workspace.workspaceId,
    project: "shop",
    app: "web",
    environment: "production",
    image: image(n),
    ...options,
  });
/** A production deployment's own name, reachable without DNS (the preview domain's scheme). */
const ownHost = (id: string) => `web-${id.slice(4).toLowerCase()}.${testPreviewDomain}`;
/** The production environment's stable name: it follows the current deployment. */
const stableHost = expect.stringMatching(/^web-production-[0-9a-f]{12}\./);
const get = async (id: string) =>
  (await workspace.sdk.deployments.getDeployment({ deploymentId: id })).data;
const readCr = (id: string) =>
  cluster.kube.get<SlipwayDeployment>(deploymentCrPath(cluster.namespace, crNameOf(id)));

beforeAll(async () => {
  cluster = await startTestCluster();
  ({ pipeline, workspace } = await startTestPipelineWithApp("shop", {
    workerQueues: ["github", "deployments"],
    deploy: cluster.deployTarget,
  }));
  pipeline.api.secrets.add(secretValue);
  await workspace.sdk.environments.setEnvironmentVariables({
    project: "shop",
    app: "web",
    environment: "production",
    variables: [{ key: "DATABASE_URL", value: secretValue, kind: "writeonly" }],
  });
  const db = pipeline.api.database.db;
  const [app] = await db.select().from(apps).where(eq(apps.workspaceId, workspace.workspaceId));
  appId = app!.id;
  const [production] = await db
    .select()
    .from(environments)
    .where(eq(environments.appId, appId))
    .then((rows) => rows.filter((row) => row.kind === "production"));
  await db.insert(domains).values({
    id: newId("domain"),
    workspaceId: workspace.workspaceId,
    projectId: app!.projectId,
    appId,
    environmentId: production!.id,
    domain: "shop.example.com",
    isApex: false,
    status: "verified",
    verificationToken: "token",
    verificationStartedAt: new Date(),
    createdAt: new Date(),
  });
});

describe("the deploy step on a production deployment", () => {
  it("applies the CR, keeps the env var in its Secret only, and makes the deployment current", async () => {
    ids.first = await handOff(1);
    const ready = await deploymentReaches(workspace.sdk, ids.first, ["ready", "failed"]);
    expect(ready).toMatchObject({
      status: "ready",
      isCurrent: true,
      domains: ["shop.example.com", stableHost, ownHost(ids.first)],
      availableActions: [],
      docker: { image: image(1) },
    });
    const cr = await readCr(ids.first);
    expect(cr.spec).toMatchObject({
      image: image(1),
      workspaceId: workspace.workspaceId,
      appId,
      environmentSlug: "production",
      envSecretRef: { name: envSecretNameOf(ids.first) },
      regions: [{ name: "eu-1", replicas: { min: 1, max: 1 } }],
      desiredState: "running",
      git: { branch: "master", repo: "Codertocat/Hello-World" },
    });
    expect(cr.status?.phase).toBe("Ready");
    const secret = await cluster.kube.get<{
      data: Record<string, string>;
      metadata: { ownerReferences: { uid: string; kind: string }[] };
    }>(secretPathOf(cluster.namespace, envSecretNameOf(ids.first)));
    expect(Buffer.from(secret.data.DATABASE_URL!, "base64").toString()).toBe(secretValue);
    expect(secret.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: "Deployment", uid: cr.metadata.uid }),
    ]);
    // The value is in the Secret and nowhere else a user or operator reads.
    expect(JSON.stringify(cr)).not.toContain(secretValue);
    expect(JSON.stringify(ready)).not.toContain(secretValue);
    const steps = await pipeline.api.database.db
      .select()
      .from(deploymentSteps)
      .where(eq(deploymentSteps.deploymentId, ids.first));
    expect(steps.map((step) => [step.name, step.status])).toEqual([["deploy", "succeeded"]]);
  });

  it("switches isCurrent and the domains to the next deployment and keeps the previous one running", async () => {
    ids.second = await handOff(2);
    const second = await deploymentReaches(workspace.sdk, ids.second, ["ready", "failed"]);
    expect(second).toMatchObject({
      status: "ready",
      isCurrent: true,
      domains: ["shop.example.com", stableHost, ownHost(ids.second)],
    });
    const first = await get(ids.first!);
    expect(first).toMatchObject({
      status: "ready",
      isCurrent: false,
      availableActions: ["rollback"],
    });
    // The environment's domain moved on; the previous deployment answers at its own name only.
    expect(first.domains).toEqual([ownHost(ids.first!)]);
    expect((await readCr(ids.first!)).spec.desiredState).toBe("running");
  });

  it("rolls back to the previous deployment, and a rolled-back app does not auto-promote", async () => {
    const accepted = await workspace.sdk.deployments.rollbackDeployment({
      deploymentId: ids.first!,
    });
    expect(accepted.meta.requestId).toMatch(/^req_/);
    const audit = await pipeline.api.post(
      "/v2/auditLogs.listAuditLogs",
      { targetId: ids.first },
      workspace.rootKey,
    );
    const [entry] = (await audit.json()).data as { action: string; requestId: string }[];
    expect(entry).toMatchObject({
      action: "deployment.rollback",
      requestId: accepted.meta.requestId,
    });
    expect(await get(ids.first!)).toMatchObject({
      isCurrent: true,
      domains: ["shop.example.com", stableHost, ownHost(ids.first!)],
    });
    expect(await get(ids.second!)).toMatchObject({
      isCurrent: false,
      availableActions: ["promote"],
    });

    ids.third = await handOff(3);
    const third = await deploymentReaches(workspace.sdk, ids.third, ["ready", "failed"]);
    expect(third).toMatchObject({
      status: "ready",
      isCurrent: false,
      availableActions: ["promote"],
    });
    expect((await get(ids.first!)).isCurrent).toBe(true);
  });

  it("promotes a deployment, which clears the rollback so the next one takes over again", async () => {
    await workspace.sdk.deployments.promoteDeployment({ deploymentId: ids.third! });
    expect(await get(ids.third!)).toMatchObject({ isCurrent: true, availableActions: [] });
    ids.fourth = await handOff(4);
    expect(await deploymentReaches(workspace.sdk, ids.fourth, ["ready", "failed"])).toMatchObject({
      status: "ready",
      isCurrent: true,
    });
  });

  it("refuses lifecycle calls whose preconditions fail, with a 412 that says why", async () => {
    const sdk = workspace.sdk.deployments;
    await expectPreconditionFailed(
      sdk.rollbackDeployment({ deploymentId: ids.fourth! }),
      /already the current deployment/,
    );
    await expectPreconditionFailed(
      sdk.promoteDeployment({ deploymentId: ids.fourth! }),
      /already the current deployment/,
    );
    await expectPreconditionFailed(
      sdk.stopDeployment({ deploymentId: ids.second! }),
      /production deployments cannot be stopped/,
    );
    await expectPreconditionFailed(
      sdk.startDeployment({ deploymentId: ids.second! }),
      /production/,
    );
    const pending = await handOff(5, { enqueue: false });
    await expectPreconditionFailed(sdk.promoteDeployment({ deploymentId: pending }), /deploying/);
    await pipeline.api.database.db.delete(deployments).where(eq(deployments.id, pending));
  });

  it("answers 404 to another workspace's root key, which sees none of this", async () => {
    const other = await pipeline.api.newWorkspace("other");
    // One call at a time: a call made before the previous one's rejection is awaited would be
    // an unhandled rejection while it waits.
    for (const call of [
      () => other.sdk.deployments.rollbackDeployment({ deploymentId: ids.first! }),
      () => other.sdk.deployments.promoteDeployment({ deploymentId: ids.second! }),
      () => other.sdk.deployments.stopDeployment({ deploymentId: ids.second! }),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    }
    expect((await get(ids.fourth!)).isCurrent).toBe(true);
  });

  it("converges to one result when the deploy job runs twice at once and once more after", async () => {
    const id = await handOff(6, { enqueue: false });
    const deps = {
      db: pipeline.api.database.db,
      github: undefined,
      jobs: pipeline.jobs,
      clock: () => new Date(),
      log: pipeline.api.app.log,
      deploy: cluster.deployTarget(pipeline.api.config),
    };
    await Promise.all([runDeployJob(deps, id), runDeployJob(deps, id)]);
    const once = await get(id);
    expect(once).toMatchObject({ status: "ready", isCurrent: true });
    await runDeployJob(deps, id);
    const again = await get(id);
    expect(again.updatedAt).toBe(once.updatedAt);
    const steps = await pipeline.api.database.db
      .select()
      .from(deploymentSteps)
      .where(eq(deploymentSteps.deploymentId, id));
    expect(steps.map((step) => [step.name, step.status])).toEqual([["deploy", "succeeded"]]);
    const listed = await workspace.sdk.deployments.listDeployments({ project: "shop", app: "web" });
    const current = listed.result.data.filter((deployment) => deployment.isCurrent);
    expect(current.map((deployment) => deployment.id)).toEqual([id]);
  });
});
