import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createJobQueues } from "@slipway/control-plane/src/jobs/queues.js";
import {
  startTestApi,
  type TestApi,
  type TestWorkspace,
} from "@slipway/control-plane/test/harness/api.js";
import { uniqueRedisPrefix } from "@slipway/control-plane/test/harness/database.js";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { playWorker } from "./harness/play-worker.js";
import { makeConfigHome, runSlipway } from "./harness/run-cli.js";

// Jobs are queued (the lifecycle calls need the queues) but no worker takes them: the worker's
// part is played by the test through the control plane's lifecycle core.
const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
const queues = createJobQueues({ connection: redis, prefix: uniqueRedisPrefix() });
afterAll(async () => {
  await queues.close();
  redis.disconnect();
});

let api: TestApi;
let workspace: TestWorkspace;
let env: Record<string, string>;
let worker: ReturnType<typeof playWorker>;

const slipway = (...argv: string[]) => runSlipway(argv, { env });

/** A ready deployment of a prebuilt image, made through the CLI. */
async function readyImageDeployment(environment: string, tag: string): Promise<string> {
  const run = await slipway(
    "deploy",
    "--image",
    `registry.test/acme/site:${tag}`,
    "-p",
    "life",
    "-a",
    "site",
    "-e",
    environment,
    "--no-wait",
    "-o",
    "json",
  );
  expect(run.exitCode).toBe(0);
  const { deploymentId } = run.json<{ deploymentId: string }>();
  await worker.completeRollout(deploymentId, "preview.slipway.test");
  return deploymentId;
}

const current = async () =>
  (await workspace.sdk.apps.getApp({ project: "life", app: "site" })).data;

beforeAll(async () => {
  api = await startTestApi({ queues });
  workspace = await api.newWorkspace("cli-deployments");
  env = {
    XDG_CONFIG_HOME: await makeConfigHome(),
    SLIPWAY_URL: api.url,
    SLIPWAY_ROOT_KEY: workspace.rootKey,
  };
  worker = playWorker(api.database.db);
  await workspace.sdk.projects.createProject({ name: "Life", slug: "life" });
  await workspace.sdk.apps.createApp({ project: "life", name: "Site", slug: "site" });
});

describe("slipway deployments", () => {
  it("lists and gets deployments, rolls back to an earlier one and promotes the newer again", async () => {
    const first = await readyImageDeployment("production", "1");
    const second = await readyImageDeployment("production", "2");
    expect((await current()).currentDeploymentId).toBe(second);

    const list = await slipway(
      "deployments",
      "list",
      "-p",
      "life",
      "-a",
      "site",
      "--status",
      "ready",
      "-o",
      "json",
    );
    expect(list.exitCode).toBe(0);
    expect(list.json<{ deployments: { id: string }[] }>().deployments.map((d) => d.id)).toEqual([
      second,
      first,
    ]);

    const get = await slipway("deployments", "get", first);
    expect(get.exitCode).toBe(0);
    expect(get.stdout).toContain(`${first}  ready`);
    expect(get.stdout).toContain("registry.test/acme/site:1");

    const rollback = await slipway("deployments", "rollback", first, "-o", "json");
    expect(rollback.exitCode).toBe(0);
    expect(await current()).toMatchObject({ currentDeploymentId: first, isRolledBack: true });

    const promote = await slipway("deployments", "promote", second);
    expect(promote.exitCode).toBe(0);
    expect(await current()).toMatchObject({ currentDeploymentId: second, isRolledBack: false });

    // The API's precondition comes back as its own words.
    const again = await slipway("deployments", "promote", second);
    expect(again.exitCode).toBe(3);
    expect(again.stderr).toContain(`Deployment '${second}' is already the current deployment.`);
    expect(again.stderr).toMatch(/HTTP 412 .*request id/);
  });

  it("stops and starts a preview, refuses to cancel a rollout, and cancels a queued build", async () => {
    const preview = await readyImageDeployment("preview", "p");
    expect((await slipway("deployments", "stop", preview)).exitCode).toBe(0);
    expect(
      (await workspace.sdk.deployments.getDeployment({ deploymentId: preview })).data.status,
    ).toBe("stopped");
    expect((await slipway("deployments", "start", preview)).exitCode).toBe(0);
    expect(
      (await workspace.sdk.deployments.getDeployment({ deploymentId: preview })).data.status,
    ).toBe("deploying");

    const queued = await slipway(
      "deploy",
      "--image",
      "registry.test/x:1",
      "-p",
      "life",
      "-a",
      "site",
      "--no-wait",
      "-o",
      "json",
    );
    const { deploymentId } = queued.json<{ deploymentId: string }>();
    // An image deployment goes straight to the deploy step, which cannot be cancelled.
    const refused = await slipway("deployments", "cancel", deploymentId);
    expect(refused.exitCode).toBe(3);
    expect(refused.stderr).toMatch(/HTTP 412/);
    const approve = await slipway("deployments", "approve", deploymentId, "-o", "json");
    expect(approve.exitCode).toBe(3);
    expect(approve.json<{ error: { status: number } }>().error.status).toBe(412);

    // An uploaded source waits for a build: that can be cancelled.
    const root = await mkdtemp(join(tmpdir(), "slipway-cancel-"));
    await writeFile(join(root, "Dockerfile"), "FROM node:20-slim\n");
    const upload = await slipway(
      "deploy",
      root,
      "-p",
      "life",
      "-a",
      "site",
      "--no-wait",
      "-o",
      "json",
    );
    const uploaded = upload.json<{ deploymentId: string }>().deploymentId;
    expect((await slipway("deployments", "cancel", uploaded)).exitCode).toBe(0);
    expect(
      (await workspace.sdk.deployments.getDeployment({ deploymentId: uploaded })).data.status,
    ).toBe("cancelled");
  });
});
