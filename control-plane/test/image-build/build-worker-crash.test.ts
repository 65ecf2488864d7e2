import type { ChildProcess } from "node:child_process";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { deploymentLogs } from "../../src/db/schema/index.js";
import { workerProcesses } from "../harness/worker-process.js";
import { dockerfile, startBuildPipeline } from "./build-harness.js";

let harness: Awaited<ReturnType<typeof startBuildPipeline>>;
const workers = workerProcesses();

beforeAll(async () => {
  // The API and the webhook worker run here; builds only in the worker processes below.
  harness = await startBuildPipeline({ workerQueues: ["github"] });
});

/** `npm run worker` as a production builder node runs it: only the `builds` queue. */
function startBuildWorker(): ChildProcess {
  const { api, github } = harness.pipeline;
  return workers.start({
    DATABASE_URL: api.database.url,
    REDIS_URL: inject("redisUrl"),
    SLIPWAY_ENCRYPTION_KEYS: api.config.SLIPWAY_ENCRYPTION_KEYS.map(
      (key) => `v${key.version}:${key.key.toString("base64")}`,
    ).join(","),
    SLIPWAY_QUEUE_PREFIX: api.config.SLIPWAY_QUEUE_PREFIX,
    SLIPWAY_WORKER_QUEUES: "builds",
    SLIPWAY_JOB_LOCK_MS: "1500",
    SLIPWAY_BUILDKIT_ADDR: inject("buildkitAddr"),
    SLIPWAY_BUILDCTL: inject("buildctl"),
    SLIPWAY_REGISTRY: inject("registryHost"),
    GITHUB_APP_ID: github.appId,
    GITHUB_PRIVATE_KEY: github.privateKey,
    GITHUB_API_URL: github.url,
  });
}

async function logText(deploymentId: string): Promise<string> {
  const rows = await harness.db
    .select({ line: deploymentLogs.line })
    .from(deploymentLogs)
    .where(eq(deploymentLogs.deploymentId, deploymentId))
    .orderBy(deploymentLogs.seq);
  return rows.map((row) => row.line).join("\n");
}

describe("a build worker killed with SIGKILL mid-build", () => {
  it("leaves the deployment to the next worker, which builds it to the end exactly once", async () => {
    const deployment = await harness.pushCommit({
      Dockerfile: dockerfile("RUN echo first-step-running && sleep 3", "RUN echo second-step"),
    });
    const first = startBuildWorker();
    const deadline = Date.now() + 60_000;
    while (!(await logText(deployment.id)).includes("first-step-running")) {
      if (Date.now() > deadline) throw new Error("the first worker never got the build going");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    expect((await harness.deploymentRow(deployment.id)).status).toBe("building");

    startBuildWorker();
    const built = await harness.waitForDeployment(deployment.id, (row) =>
      ["deploying", "failed"].includes(row.status),
    );
    expect(built.errorMessage).toBeNull();
    expect(built.status).toBe("deploying");
    expect(built.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    const text = await logText(deployment.id);
    expect(text).toContain("Building again");
    expect(text.match(/^Pushed /gm)).toHaveLength(1);
    expect((await harness.buildStep(deployment.id))?.status).toBe("succeeded");
  });
});
