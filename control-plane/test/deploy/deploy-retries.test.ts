import { deploymentCrPath, type SlipwayDeployment } from "@slipway/shared";
import type { KubeApi } from "@slipway/shared/kube";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { deploymentSteps, deployments } from "../../src/db/schema/index.js";
import { crNameOf, envSecretNameOf, secretPathOf } from "../../src/deploy/object-names.js";
import { runDeployJob } from "../../src/deploy/run-deploy-job.js";
import { RetryLaterError } from "../../src/jobs/job-types.js";
import type { TestWorkspace } from "../harness/api.js";
import { startTestCluster, type TestCluster } from "../harness/cluster.js";
import { eventually, handOffToDeploy } from "../harness/deploy-fixtures.js";
import { startTestPipelineWithApp, type TestPipeline } from "../harness/pipeline.js";

let cluster: TestCluster;
let pipeline: TestPipeline;
let workspace: TestWorkspace;

beforeAll(async () => {
  cluster = await startTestCluster();
  // No deployments worker: these tests run the deploy job themselves, with faults.
  ({ pipeline, workspace } = await startTestPipelineWithApp("blog", { workerQueues: ["github"] }));
});

const setDatabaseUrl = (value: string, environment: "production" | "preview" = "production") =>
  workspace.sdk.environments.setEnvironmentVariables({
    project: "blog",
    app: "web",
    environment,
    variables: [{ key: "DATABASE_URL", value, kind: "writeonly" }],
  });

/** The deploy step's dependencies, with the apiserver client passed through `wrap`. */
function depsWith(wrap: (kube: KubeApi) => KubeApi) {
  const target = cluster.deployTarget(pipeline.api.config);
  return {
    db: pipeline.api.database.db,
    github: undefined,
    jobs: pipeline.jobs,
    clock: () => new Date(),
    log: pipeline.api.app.log,
    deploy: { ...target, kube: wrap(target.kube) },
  };
}

/** A client whose `nth` apply of the CR succeeds and then runs `after` (a crash, a stop). */
function afterCrApply(after: () => Promise<void>, nth = 1) {
  let applies = 0;
  let fired = false;
  return (kube: KubeApi): KubeApi => ({
    get: (path) => kube.get(path),
    find: (path) => kube.find(path),
    create: (path, body) => kube.create(path, body),
    replace: (path, body) => kube.replace(path, body),
    remove: (path) => kube.remove(path),
    openWatch: (path, signal) => kube.openWatch(path, signal),
    async apply<T>(path: string, body: unknown): Promise<T> {
      const result = await kube.apply<T>(path, body);
      if (!fired && path.startsWith("/apis/slipway.dev/") && ++applies === nth) {
        fired = true;
        await after();
      }
      return result;
    },
  });
}

const readCr = (id: string) =>
  cluster.kube.get<SlipwayDeployment>(deploymentCrPath(cluster.namespace, crNameOf(id)));
const status = async (id: string) =>
  (await workspace.sdk.deployments.getDeployment({ deploymentId: id })).data;
const steps = (id: string) =>
  pipeline.api.database.db
    .select()
    .from(deploymentSteps)
    .where(eq(deploymentSteps.deploymentId, id))
    .then((rows) => rows.map((row) => [row.name, row.status]));

describe("the deploy job after a crash or a change underneath it", () => {
  it("converges once when retried after dying with everything applied, keeping the values", async () => {
    pipeline.api.secrets.add("postgres://first-secret");
    pipeline.api.secrets.add("postgres://changed-secret");
    await setDatabaseUrl("postgres://first-secret");
    const id = await handOffToDeploy(pipeline.api.database.db, pipeline.jobs, {
      workspaceId: workspace.workspaceId,
      project: "blog",
      app: "web",
      environment: "production",
      image: "registry.invalid/blog/web@sha256:7777",
      enqueue: false,
    });
    // The second apply of the CR marks its Secret written; the worker dies right after.
    const crash = afterCrApply(async () => {
      throw new Error("the worker died");
    }, 2);
    await expect(runDeployJob(depsWith(crash), id)).rejects.toThrow("the worker died");
    expect((await status(id)).status).toBe("deploying");
    // The retry finds the CR it applied and leaves its Secret alone: the values it started with.
    await setDatabaseUrl("postgres://changed-secret");
    await runDeployJob(
      depsWith((kube) => kube),
      id,
    );
    expect(await status(id)).toMatchObject({ status: "ready", isCurrent: true });
    const cr = await readCr(id);
    const secret = await cluster.kube.get<{
      data: Record<string, string>;
      metadata: { ownerReferences?: { uid: string }[] };
    }>(secretPathOf(cluster.namespace, envSecretNameOf(id)));
    expect(secret.metadata.ownerReferences?.map((owner) => owner.uid)).toEqual([cr.metadata.uid]);
    expect(Buffer.from(secret.data.DATABASE_URL!, "base64").toString()).toBe(
      "postgres://first-secret",
    );
    expect(await steps(id)).toEqual([["deploy", "succeeded"]]);
  });

  it("owns its Secret when retried after dying between the CR and the Secret's owner", async () => {
    const id = await handOffToDeploy(pipeline.api.database.db, pipeline.jobs, {
      workspaceId: workspace.workspaceId,
      project: "blog",
      app: "web",
      environment: "production",
      image: "registry.invalid/blog/web@sha256:7778",
      enqueue: false,
    });
    const crash = afterCrApply(async () => {
      throw new Error("the worker died");
    }, 1);
    await expect(runDeployJob(depsWith(crash), id)).rejects.toThrow("the worker died");
    await runDeployJob(
      depsWith((kube) => kube),
      id,
    );
    expect((await status(id)).status).toBe("ready");
    const cr = await readCr(id);
    const secret = await cluster.kube.get<{ metadata: { ownerReferences?: { uid: string }[] } }>(
      secretPathOf(cluster.namespace, envSecretNameOf(id)),
    );
    expect(secret.metadata.ownerReferences?.map((owner) => owner.uid)).toEqual([cr.metadata.uid]);
    expect(await steps(id)).toEqual([["deploy", "succeeded"]]);
  });

  it("hands a rollout still in progress back to the queue instead of holding the worker", async () => {
    const id = await handOffToDeploy(pipeline.api.database.db, pipeline.jobs, {
      workspaceId: workspace.workspaceId,
      project: "blog",
      app: "web",
      environment: "production",
      image: "registry.invalid/blog/web@sha256:9999",
      enqueue: false,
    });
    const deps = depsWith((kube) => kube);
    const noWaiting = { ...deps, deploy: { ...deps.deploy, waitSliceMs: 0 } };
    let handedBack = 0;
    for (;;) {
      try {
        await runDeployJob(noWaiting, id);
        break;
      } catch (error) {
        if (!(error instanceof RetryLaterError)) throw error;
        handedBack++;
        await new Promise((resolve) => setTimeout(resolve, error.delayMs));
      }
    }
    // The first run came back before the instances were up; a later run found them Ready.
    expect(handedBack).toBeGreaterThan(0);
    expect(await status(id)).toMatchObject({ status: "ready", isCurrent: true });
    expect(await steps(id)).toEqual([["deploy", "succeeded"]]);
  });

  it("leaves a preview stopped mid-rollout stopped, with its CR idle", async () => {
    const id = await handOffToDeploy(pipeline.api.database.db, pipeline.jobs, {
      workspaceId: workspace.workspaceId,
      project: "blog",
      app: "web",
      environment: "preview",
      image: "registry.invalid/blog/web@sha256:8888",
      branch: "pr-3",
      pullRequestNumber: 3,
      enqueue: false,
    });
    // What a closed pull request does while the rollout is in flight.
    const stopMeanwhile = afterCrApply(async () => {
      await pipeline.api.database.db
        .update(deployments)
        .set({ status: "stopped" })
        .where(eq(deployments.id, id));
    });
    await runDeployJob(depsWith(stopMeanwhile), id);
    expect((await status(id)).status).toBe("stopped");
    await eventually("the CR to be idle", async () => {
      const cr = await readCr(id);
      return cr.spec.desiredState === "idle" && cr.status?.phase === "Idle" ? cr : undefined;
    });
    expect(await steps(id)).toEqual([["deploy", "cancelled"]]);
  });
});
