import { deploymentCrPath } from "@slipway/shared";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deploymentSteps, deployments } from "../../src/db/schema/index.js";
import { crNameOf, envSecretNameOf, secretPathOf } from "../../src/deploy/object-names.js";
import { runDeployJob } from "../../src/deploy/run-deploy-job.js";
import type { TestWorkspace } from "../harness/api.js";
import { startTestCluster, type TestCluster } from "../harness/cluster.js";
import { deploymentReaches, eventually, handOffToDeploy } from "../harness/deploy-fixtures.js";
import { startTestPipelineWithApp, type TestPipeline } from "../harness/pipeline.js";

let cluster: TestCluster;
let pipeline: TestPipeline;
let workspace: TestWorkspace;
let policyName: string;
const admissionPath = "/apis/admissionregistration.k8s.io/v1";
const rejectedImage = "registry.invalid/rejected/web@sha256:2222";

/**
 * A cluster rule the app's workload breaks: a ValidatingAdmissionPolicy refuses Deployments
 * (apps/v1) running images from one registry in this file's namespace, as a cluster admin's
 * policy would. The operator's apply is refused and the CR turns Degraded (ApplyFailed).
 */
async function refuseImagesOfOneRegistry(namespace: string) {
  policyName = `refuse-rejected-registry-${namespace}`;
  await cluster.kube.create(`${admissionPath}/validatingadmissionpolicies`, {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicy",
    metadata: { name: policyName },
    spec: {
      failurePolicy: "Fail",
      matchConstraints: {
        resourceRules: [
          {
            apiGroups: ["apps"],
            apiVersions: ["v1"],
            operations: ["CREATE", "UPDATE"],
            resources: ["deployments"],
          },
        ],
      },
      validations: [
        {
          expression:
            "!object.spec.template.spec.containers.exists(c, c.image.startsWith('registry.invalid/rejected/'))",
          message: "images from registry.invalid/rejected are not allowed in this cluster",
          reason: "Invalid",
        },
      ],
    },
  });
  await cluster.kube.create(`${admissionPath}/validatingadmissionpolicybindings`, {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicyBinding",
    metadata: { name: policyName },
    spec: {
      policyName,
      validationActions: ["Deny"],
      matchResources: {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
      },
    },
  });
  // The policy takes effect a moment after it is stored: wait until a dry run is refused.
  await eventually("the admission policy to take effect", async () => {
    try {
      await cluster.kube.create(`/apis/apps/v1/namespaces/${namespace}/deployments?dryRun=All`, {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "policy-probe" },
        spec: {
          selector: { matchLabels: { probe: "yes" } },
          template: {
            metadata: { labels: { probe: "yes" } },
            spec: { containers: [{ name: "app", image: rejectedImage }] },
          },
        },
      });
      return undefined;
    } catch (error) {
      return String(error).includes("not allowed in this cluster") ? true : undefined;
    }
  });
}

beforeAll(async () => {
  cluster = await startTestCluster();
  ({ pipeline, workspace } = await startTestPipelineWithApp("api", {
    workerQueues: ["github", "deployments"],
    deploy: cluster.deployTarget,
  }));
  await refuseImagesOfOneRegistry(cluster.namespace);
});

afterAll(async () => {
  await cluster.kube.remove(`${admissionPath}/validatingadmissionpolicybindings/${policyName}`);
  await cluster.kube.remove(`${admissionPath}/validatingadmissionpolicies/${policyName}`);
});

const handOff = (image: string, options: { enqueue?: boolean } = {}) =>
  handOffToDeploy(pipeline.api.database.db, pipeline.jobs, {
    workspaceId: workspace.workspaceId,
    project: "api",
    app: "web",
    environment: "production",
    image,
    ...options,
  });

describe("a rollout that cannot succeed", () => {
  it("fails with the SDK's error code and the cluster's reason when the CR turns Degraded", async () => {
    const id = await handOff(rejectedImage);
    const failed = await deploymentReaches(workspace.sdk, id, ["ready", "failed"]);
    expect(failed).toMatchObject({
      status: "failed",
      isCurrent: false,
      availableActions: [],
      error: {
        code: "invalid_runtime_settings",
        step: "deploy",
        message: expect.stringContaining(
          "images from registry.invalid/rejected are not allowed in this cluster",
        ),
      },
    });
    // Readable: the object and the cluster's reason, not the apiserver request behind it.
    expect(failed.error!.message).not.toMatch(/PATCH|HTTP 422|"kind":"Status"/);
    // A failed deployment keeps nothing running in the cluster.
    await eventually("the failed deployment's CR to be deleted", async () =>
      (await cluster.kube.find(deploymentCrPath(cluster.namespace, crNameOf(id))))
        ? undefined
        : true,
    );
    // Its env Secret, owned by the CR, goes with it (the garbage collector deletes it).
    await eventually("the env Secret to be collected", async () =>
      (await cluster.kube.find(secretPathOf(cluster.namespace, envSecretNameOf(id))))
        ? undefined
        : true,
    );
    const [step] = await pipeline.api.database.db
      .select()
      .from(deploymentSteps)
      .where(eq(deploymentSteps.deploymentId, id));
    expect(step).toMatchObject({ name: "deploy", status: "failed" });
    expect(step!.errorMessage).toContain("not allowed in this cluster");
  });

  it("fails a deployment whose settings the CRD refuses, naming the field", async () => {
    const id = await handOff("registry.invalid/api/web@sha256:3333", { enqueue: false });
    const [row] = await pipeline.api.database.db
      .select()
      .from(deployments)
      .where(eq(deployments.id, id));
    await pipeline.api.database.db
      .update(deployments)
      .set({ runtime: { ...row!.runtime, vCpus: 0.3 } })
      .where(eq(deployments.id, id));
    await pipeline.jobs.enqueue({ name: "deployment.deploy", data: { deploymentId: id } });
    const failed = await deploymentReaches(workspace.sdk, id, ["ready", "failed"]);
    expect(failed.error).toMatchObject({
      code: "invalid_runtime_settings",
      step: "deploy",
      message: expect.stringContaining("vCpus"),
    });
  });

  it("fails with no_schedulable_regions when no instance can be scheduled in time", async () => {
    const id = await handOff("registry.invalid/api/web@sha256:6666", { enqueue: false });
    // A region the cluster has no nodes in: the pods stay Pending.
    await pipeline.api.database.db
      .update(deployments)
      .set({ regions: ["ap-1"] })
      .where(eq(deployments.id, id));
    const deps = {
      db: pipeline.api.database.db,
      github: undefined,
      jobs: pipeline.jobs,
      clock: () => new Date(),
      log: pipeline.api.app.log,
      deploy: { ...cluster.deployTarget(pipeline.api.config), readyTimeoutMs: 3_000 },
    };
    await runDeployJob(deps, id);
    const { data } = await workspace.sdk.deployments.getDeployment({ deploymentId: id });
    expect(data).toMatchObject({
      status: "failed",
      error: { code: "no_schedulable_regions", step: "deploy" },
    });
    expect(data.error!.message).toContain("ap-1");
  });

  it("does not resurrect a deployment cancelled before its deploy job ran", async () => {
    const id = await handOff("registry.invalid/api/web@sha256:4444", { enqueue: false });
    await pipeline.api.database.db
      .update(deployments)
      .set({ status: "cancelled" })
      .where(eq(deployments.id, id));
    await pipeline.jobs.enqueue({ name: "deployment.deploy", data: { deploymentId: id } });
    // A later deployment finishing proves the worker got past the cancelled one's job.
    const later = await handOff("registry.invalid/api/web@sha256:5555");
    await deploymentReaches(workspace.sdk, later, ["ready", "failed"]);
    expect((await workspace.sdk.deployments.getDeployment({ deploymentId: id })).data.status).toBe(
      "cancelled",
    );
    expect(
      await cluster.kube.find(deploymentCrPath(cluster.namespace, crNameOf(id))),
    ).toBeUndefined();
  });
});
