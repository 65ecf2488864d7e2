import { randomBytes, randomUUID } from "node:crypto";
import { readBuilderSettings } from "@slipway/builder";
import { and, asc, eq } from "drizzle-orm";
import { inject } from "vitest";
import { type DeploymentRow, deploymentSteps, deployments } from "../../src/db/schema/index.js";
import { createBuildService } from "../../src/image-build/build-service.js";
import {
  examplePush,
  exampleRepository,
  startTestPipelineWithApp,
  type TestPipelineOptions,
} from "../harness/pipeline.js";

/** A Dockerfile on the test base image (busybox, pushed to the local registry by the setup). */
export const dockerfile = (...lines: string[]) =>
  [`FROM ${inject("baseImage")}`, ...lines, ""].join("\n");

/**
 * The pipeline with a real builder: webhooks in, the worker running the `github` and `builds`
 * queues against the run's buildkitd and registry. The deploy step's queue is not worked, so a
 * built deployment stops at `deploying` with its image, where these tests look at it.
 */
export async function startBuildPipeline(options: TestPipelineOptions = {}) {
  const builder = createBuildService(
    readBuilderSettings({
      SLIPWAY_BUILDKIT_ADDR: inject("buildkitAddr"),
      SLIPWAY_BUILDCTL: inject("buildctl"),
      SLIPWAY_REGISTRY: inject("registryHost"),
      SLIPWAY_BUILD_CACHE: "registry",
    }),
  );
  const { pipeline, workspace } = await startTestPipelineWithApp("shop", {
    workerQueues: ["github", "builds"],
    builder,
    ...options,
  });
  const db = pipeline.api.database.db;

  /** Makes a commit with these files exist on the fake GitHub and pushes it; returns its deployment. */
  async function pushCommit(
    files: Record<string, string>,
    branch = "master",
  ): Promise<DeploymentRow> {
    const sha = randomBytes(20).toString("hex");
    pipeline.github.repositories.setCommit(exampleRepository, sha, files, { branch });
    const payload = examplePush({ branch, after: sha });
    payload.head_commit.id = sha;
    const deliveryId = randomUUID();
    const response = await pipeline.deliver("push", payload, { deliveryId });
    if (response.status !== 202) throw new Error(`push answered ${response.status}`);
    await pipeline.processed(deliveryId);
    const [row] = await db.select().from(deployments).where(eq(deployments.gitCommitSha, sha));
    if (!row) throw new Error(`push of ${sha} made no deployment`);
    return row;
  }

  async function deploymentRow(id: string): Promise<DeploymentRow> {
    const [row] = await db.select().from(deployments).where(eq(deployments.id, id));
    if (!row) throw new Error(`no deployment ${id}`);
    return row;
  }

  /** Polls until the deployment satisfies `done`; fails with its last state after `timeoutMs`. */
  async function waitForDeployment(
    id: string,
    done: (row: DeploymentRow) => boolean,
    timeoutMs = 90_000,
  ): Promise<DeploymentRow> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = await deploymentRow(id);
      if (done(row)) return row;
      if (Date.now() > deadline) {
        throw new Error(`deployment ${id} stuck at ${row.status}: ${row.errorMessage ?? ""}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The deployment of a commit, once it exists and satisfies `done`. */
  async function waitForDeploymentOf(
    sha: string,
    done: (row: DeploymentRow) => boolean,
    timeoutMs = 120_000,
  ): Promise<DeploymentRow> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [row] = await db.select().from(deployments).where(eq(deployments.gitCommitSha, sha));
      if (row && done(row)) return row;
      if (Date.now() > deadline) {
        throw new Error(
          `the deployment of ${sha} is at ${row?.status ?? "nothing"} after ${timeoutMs} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function buildStep(id: string) {
    const [step] = await db
      .select()
      .from(deploymentSteps)
      .where(and(eq(deploymentSteps.deploymentId, id), eq(deploymentSteps.name, "build")))
      .orderBy(asc(deploymentSteps.startedAt));
    return step;
  }

  return {
    pipeline,
    workspace,
    db,
    pushCommit,
    deploymentRow,
    waitForDeployment,
    waitForDeploymentOf,
    buildStep,
  };
}
