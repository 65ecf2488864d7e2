import { deploymentCrPath, type SlipwayDeployment } from "@slipway/shared";
import { beforeAll, describe, expect, it } from "vitest";
import { tearDownDeletedApps } from "../../src/deploy/app-teardown.js";
import { crNameOf, envSecretNameOf, secretPathOf } from "../../src/deploy/object-names.js";
import type { TestWorkspace } from "../harness/api.js";
import { startTestCluster, type TestCluster } from "../harness/cluster.js";
import { deploymentReaches, eventually, handOffToDeploy } from "../harness/deploy-fixtures.js";
import { startTestPipelineWithApp, type TestPipeline } from "../harness/pipeline.js";

const image = `registry.invalid/gone/web@sha256:${"7".repeat(64)}`;

let cluster: TestCluster;
let pipeline: TestPipeline;
let workspace: TestWorkspace;

beforeAll(async () => {
  cluster = await startTestCluster();
  ({ pipeline, workspace } = await startTestPipelineWithApp("gone", {
    workerQueues: ["github", "deployments"],
    deploy: cluster.deployTarget,
  }));
});

const findCr = (deploymentId: string) =>
  cluster.kube.find<SlipwayDeployment>(deploymentCrPath(cluster.namespace, crNameOf(deploymentId)));

/** A Ready deployment of a new app of the `gone` project, rolled out to the testbed. */
async function runningApp(slug: string) {
  await workspace.sdk.apps.createApp({ project: "gone", name: slug, slug });
  const deploymentId = await handOffToDeploy(pipeline.api.database.db, pipeline.jobs, {
    workspaceId: workspace.workspaceId,
    project: "gone",
    app: slug,
    environment: "production",
    image,
  });
  await deploymentReaches(workspace.sdk, deploymentId, ["ready"]);
  expect(await findCr(deploymentId)).toBeDefined();
  return deploymentId;
}

describe("deleting an app", () => {
  it("takes its deployments off the cluster: the CR, and with it the env Secret", async () => {
    const deploymentId = await runningApp("shop");
    await workspace.sdk.apps.deleteApp({ project: "gone", app: "shop" });
    await eventually("the CR to be deleted", async () =>
      (await findCr(deploymentId)) ? undefined : true,
    );
    await eventually("the env Secret to be collected", async () =>
      (await cluster.kube.find(secretPathOf(cluster.namespace, envSecretNameOf(deploymentId))))
        ? undefined
        : true,
    );
  });

  it("deleting its project does the same for each of its apps", async () => {
    const first = await runningApp("api");
    const second = await runningApp("admin");
    await workspace.sdk.projects.deleteProject({ project: "gone" });
    for (const deploymentId of [first, second]) {
      await eventually("the CR to be deleted", async () =>
        (await findCr(deploymentId)) ? undefined : true,
      );
    }
  });
});

describe("a worker starting up", () => {
  it("removes the CRs of apps deleted while no teardown job could be enqueued, and only those", async () => {
    await workspace.sdk.projects.createProject({ name: "kept", slug: "gone" });
    const kept = await runningApp("kept");
    // The state a crash between the delete and the enqueue leaves: a CR whose app is gone.
    const orphan = structuredClone((await findCr(kept))!);
    orphan.metadata = {
      name: "dep-orphan",
      namespace: cluster.namespace,
      labels: { ...orphan.metadata.labels, "slipway.dev/app-id": "app_deleted0000000000000000" },
    };
    await cluster.kube.create(deploymentCrPath(cluster.namespace), orphan);
    const target = cluster.deployTarget(pipeline.api.config);
    expect(await tearDownDeletedApps({ db: pipeline.api.database.db, deploy: target })).toBe(1);
    expect(
      await cluster.kube.find(deploymentCrPath(cluster.namespace, "dep-orphan")),
    ).toBeUndefined();
    expect(await findCr(kept)).toBeDefined();
  });
});
