import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { and, eq } from "drizzle-orm";
import { Redis } from "ioredis";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { deploymentSteps, deployments, githubDeliveries } from "../../src/db/schema/index.js";
import { githubApiFromConfig } from "../../src/github/github-api.js";
import { processGitHubDelivery } from "../../src/github-intake/process-delivery.js";
import { createJobQueues } from "../../src/jobs/queues.js";
import type { TestWorkspace } from "../harness/api.js";
import { uniqueRedisPrefix } from "../harness/database.js";
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
    const deps = {
      db: pipeline.api.database.db,
      github: githubApiFromConfig(pipeline.api.config),
      clock: () => new Date(),
      log: pipeline.api.app.log,
    };
    // Real queues of their own (no worker takes their jobs), and the same queues over a Redis
    // connection that went away right after the deployment was committed.
    const prefix = uniqueRedisPrefix();
    const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
    const lostRedis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
    lostRedis.disconnect();
    const queues = createJobQueues({ connection: redis, prefix });
    const lostQueues = createJobQueues({ connection: lostRedis, prefix });
    await expect(processGitHubDelivery({ ...deps, jobs: lostQueues }, deliveryId)).rejects.toThrow(
      "Connection is closed",
    );
    const deployment = (await deploymentOfCommit(sha))!;
    expect(deployment.status).toBe("pending");

    // The retry finds the delivery processed and enqueues what the first run could not.
    await processGitHubDelivery({ ...deps, jobs: queues }, deliveryId);
    const builds = new Queue("builds", { connection: redis, prefix });
    const github = new Queue("github", { connection: redis, prefix });
    expect((await builds.getJob(`deployment.build-${deployment.id}`))?.data).toEqual({
      deploymentId: deployment.id,
    });
    const reports = await github.getJobs(["waiting", "delayed"]);
    expect(reports.map((job) => job.data.deploymentId)).toContain(deployment.id);
    await Promise.all([builds.close(), github.close(), queues.close(), lostQueues.close()]);
    redis.disconnect();
    expect(
      await pipeline.api.database.db
        .select()
        .from(deployments)
        .where(eq(deployments.gitCommitSha, sha)),
    ).toHaveLength(1);
  });
});
