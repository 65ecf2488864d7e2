import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { deploymentSteps, deployments, githubDeliveries } from "../../src/db/schema/index.js";
import { githubApiFromConfig } from "../../src/github/github-api.js";
import type { Job } from "../../src/jobs/job-types.js";
import { processGitHubDelivery } from "../../src/pipeline/process-delivery.js";
import type { TestWorkspace } from "../harness/api.js";
import { examplePush, startTestPipelineWithApp, type TestPipeline } from "../harness/pipeline.js";

let pipeline: TestPipeline;
let workspace: TestWorkspace;

beforeAll(async () => {
  // The worker builds too, but this install has no builder (no BuildKit, no registry).
  ({ pipeline, workspace } = await startTestPipelineWithApp("followups", {
    workerQueues: ["github", "builds"],
  }));
});

const pushOf = (sha: string) => examplePush({ after: sha });

const deploymentOfCommit = async (sha: string) => {
  const [row] = await pipeline.api.database.db
    .select()
    .from(deployments)
    .where(eq(deployments.gitCommitSha, sha));
  return row;
};

describe("a push on an install without a builder", () => {
  it("fails its deployment at the build step, says what to configure, and shows it on GitHub", async () => {
    const sha = "c".repeat(40);
    const deliveryId = randomUUID();
    await pipeline.deliver("push", pushOf(sha), { deliveryId });
    await pipeline.processed(deliveryId);
    await expect.poll(async () => (await deploymentOfCommit(sha))?.status).toBe("failed");
    const deployment = (await deploymentOfCommit(sha))!;
    const { data } = await workspace.sdk.deployments.getDeployment({
      deploymentId: deployment.id,
    });
    expect(data.error?.code).toBe("build_failed");
    expect(data.error?.step).toBe("build");
    expect(data.error?.message).toContain("SLIPWAY_BUILDKIT_ADDR");
    const [step] = await pipeline.api.database.db
      .select()
      .from(deploymentSteps)
      .where(
        and(eq(deploymentSteps.deploymentId, deployment.id), eq(deploymentSteps.name, "build")),
      );
    expect(step).toMatchObject({ status: "failed" });
    expect(step?.finishedAt).not.toBeNull();
    const checkRun = () =>
      [...pipeline.github.checkRuns.values()].find((run) => run.head_sha === sha);
    await expect.poll(() => checkRun()?.conclusion, { timeout: 15_000 }).toBe("failure");
  });
});

describe("a delivery whose follow-up jobs were lost", () => {
  it("enqueues its build and reports again when the job runs again after the commit", async () => {
    const sha = "d".repeat(40);
    const deliveryId = randomUUID();
    // Setup only: the delivery as the intake stores it, but with no job enqueued: this test
    // runs the job itself, twice.
    const payload = pushOf(sha);
    await pipeline.api.database.db.insert(githubDeliveries).values({
      id: deliveryId,
      event: "push",
      action: null,
      installationId: String((payload.installation as { id?: number } | undefined)?.id ?? 1),
      payload,
      receivedAt: new Date(),
    });
    const enqueued: Job[] = [];
    const deps = {
      db: pipeline.api.database.db,
      github: githubApiFromConfig(pipeline.api.config),
      clock: () => new Date(),
      log: pipeline.api.app.log,
    };
    // Redis went away right after the deployment was committed.
    await expect(
      processGitHubDelivery(
        {
          ...deps,
          jobs: {
            enqueue: async () => {
              throw new Error("Connection is closed.");
            },
          },
        },
        deliveryId,
      ),
    ).rejects.toThrow("Connection is closed.");
    const deployment = (await deploymentOfCommit(sha))!;
    expect(deployment.status).toBe("pending");

    // The retry finds the delivery processed and enqueues what the first run could not.
    await processGitHubDelivery(
      { ...deps, jobs: { enqueue: async (job) => void enqueued.push(job) } },
      deliveryId,
    );
    expect(enqueued).toContainEqual({
      name: "deployment.build",
      data: { deploymentId: deployment.id },
    });
    expect(enqueued).toContainEqual(
      expect.objectContaining({
        name: "github.report",
        data: expect.objectContaining({ deploymentId: deployment.id }),
      }),
    );
    expect(
      await pipeline.api.database.db
        .select()
        .from(deployments)
        .where(eq(deployments.gitCommitSha, sha)),
    ).toHaveLength(1);
  });
});
