import { newId } from "@slipway/shared";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { apps, deployments, domains } from "../../src/db/schema/index.js";
import type { TestWorkspace } from "../harness/api.js";
import type { FakeDeployment } from "../harness/fake-github.js";
import {
  examplePush,
  exampleRepository,
  forkPullRequestPayload,
  startTestPipelineWithApp,
  type TestPipeline,
} from "../harness/pipeline.js";
import { eventually, newSha, publicUrl, reporting } from "./github-reporting.js";

let pipeline: TestPipeline;
let workspace: TestWorkspace;
let github: ReturnType<typeof reporting>;

beforeAll(async () => {
  ({ pipeline, workspace } = await startTestPipelineWithApp("ghdeploy"));
  github = reporting(pipeline);
});

const push = (branch: string, sha: string) => examplePush({ branch, after: sha });

const githubDeploymentsOf = (slipwayDeploymentId: string): FakeDeployment[] =>
  [...pipeline.github.deployments.values()].filter(
    (stored) =>
      (stored.deployment.payload as Record<string, unknown>).slipway_deployment_id ===
      slipwayDeploymentId,
  );

/** The GitHub deployment of a Slipway deployment once the worker has reported it queued. */
const reportedQueued = (slipwayDeploymentId: string) =>
  eventually(async () => {
    const [row] = await pipeline.api.database.db
      .select()
      .from(deployments)
      .where(eq(deployments.id, slipwayDeploymentId));
    const [opened] = githubDeploymentsOf(slipwayDeploymentId);
    return row?.githubDeploymentId && opened && opened.statuses.length > 0 ? opened : undefined;
  }, `the GitHub deployment of ${slipwayDeploymentId}`);

const states = (stored: FakeDeployment) => stored.statuses.map((status) => status.state);

/** A push deployed: its Slipway deployment and the GitHub deployment the worker opened for it. */
async function pushed(branch: string) {
  const sha = newSha();
  await github.deliver("push", push(branch, sha));
  const deployment = await github.deploymentOf(sha);
  return { sha, deployment, opened: await reportedQueued(deployment.id) };
}

describe("GitHub deployments", () => {
  it("opens one production deployment and follows the status to success with the domain and log", async () => {
    const { sha, deployment, opened } = await pushed("master");
    expect(opened.deployment).toMatchObject({
      sha,
      environment: "web (production)",
      production_environment: true,
      transient_environment: false,
      payload: { slipway_deployment_id: deployment.id },
    });
    const request = pipeline.github.calls.find(
      (call) => call.method === "POST" && call.path === `/repos/${exampleRepository}/deployments`,
    );
    expect(request?.body).toMatchObject({ auto_merge: false, required_contexts: [] });

    await github.move(deployment.id, "pending", "building");
    await github.move(deployment.id, "building", "deploying");
    // The deploy step's switch: the environment's verified domain now routes to this deployment.
    const db = pipeline.api.database.db;
    await db.insert(domains).values({
      id: newId("domain"),
      workspaceId: deployment.workspaceId,
      projectId: deployment.projectId,
      appId: deployment.appId,
      environmentId: deployment.environmentId,
      domain: "www.ghdeploy.example",
      isApex: false,
      status: "verified",
      verificationToken: "token",
      verificationStartedAt: new Date(),
      createdAt: new Date(),
    });
    await db
      .update(apps)
      .set({ currentDeploymentId: deployment.id })
      .where(eq(apps.id, deployment.appId));
    await github.move(deployment.id, "deploying", "ready");

    expect(githubDeploymentsOf(deployment.id)).toHaveLength(1);
    expect(states(opened)).toEqual(["queued", "in_progress", "success"]);
    // The check run's Details link opens the same log.
    const checkRun = [...pipeline.github.checkRuns.values()].find((run) => run.head_sha === sha);
    expect(checkRun).toMatchObject({
      details_url: `${publicUrl}/deployments/${deployment.id}/logs?token=${deployment.logToken}`,
    });
    expect(opened.statuses.at(-1)).toMatchObject({
      environment_url: "https://www.ghdeploy.example",
      log_url: `${publicUrl}/deployments/${deployment.id}/logs?token=${deployment.logToken}`,
    });
  });

  it("opens a transient preview deployment that links its hostname once ready", async () => {
    const { deployment, opened } = await pushed("feature-preview");
    expect(opened.deployment).toMatchObject({
      environment: "web (preview)",
      production_environment: false,
      transient_environment: true,
    });
    await github.move(deployment.id, "pending", "building");
    await github.setHostnames(deployment.id, ["web-feature-preview.preview.slipway.local"]);
    await github.move(deployment.id, "building", "deploying");
    await github.move(deployment.id, "deploying", "ready");
    expect(states(opened)).toEqual(["queued", "in_progress", "success"]);
    expect(opened.statuses.at(-1)?.environment_url).toBe(
      "https://web-feature-preview.preview.slipway.local",
    );

    // Closing the pull request (or stopping the preview) takes it off the environment.
    await github.move(deployment.id, "ready", "stopped");
    expect(states(opened).at(-1)).toBe("inactive");
  });

  it("shows a fork's change waiting for approval as pending, then queued once a writer approves", async () => {
    const sha = newSha();
    await github.deliver(
      "pull_request",
      forkPullRequestPayload({ number: 61, author: "stranger", sha }),
    );
    const deployment = await github.deploymentOf(sha);
    expect(deployment.status).toBe("awaiting_approval");
    const opened = await reportedQueued(deployment.id);
    expect(opened.deployment).toMatchObject({
      environment: "web (preview)",
      transient_environment: true,
    });
    expect(opened.statuses.at(-1)?.description).toContain("approve");

    await github.move(deployment.id, "awaiting_approval", "pending");
    expect(states(opened)).toEqual(["pending", "queued"]);
  });

  it("reports a failed build as a failure without its error message", async () => {
    const { deployment, opened } = await pushed("feature-broken");
    await github.move(deployment.id, "pending", "building");
    await github.move(deployment.id, "building", "failed", {
      errorCode: "build_failed",
      errorStep: "build",
      errorMessage: "npm ERR! could not resolve dependency",
    });
    expect(states(opened)).toEqual(["queued", "in_progress", "failure"]);
    expect(opened.statuses.at(-1)?.environment_url).toBe("");
    expect(opened.statuses.at(-1)?.description).not.toContain("npm ERR!");
  });

  it("marks a superseded deployment's GitHub deployment inactive", async () => {
    const first = await pushed("feature-fast");
    await github.deliver("push", push("feature-fast", newSha()));
    await eventually(
      () => (states(first.opened).at(-1) === "inactive" ? true : undefined),
      "the superseded deployment to be inactive",
    );
    expect(states(first.opened)).toEqual(["queued", "inactive"]);
  });

  it("opens no GitHub deployment for a deployment skipped by its watch paths", async () => {
    const settings = { project: "ghdeploy", app: "web", environment: "preview" };
    await workspace.sdk.environments.updateSettings({ ...settings, watchPaths: ["src/**"] });
    const sha = newSha();
    const payload = push("feature-docs", sha);
    payload.commits = [{ added: [], removed: [], modified: ["docs/README.md"] }];
    await github.deliver("push", payload);
    const skipped = await github.deploymentOf(sha);
    await github.report(skipped.id);
    await workspace.sdk.environments.updateSettings({ ...settings, watchPaths: [] });

    expect(skipped.status).toBe("skipped");
    expect(githubDeploymentsOf(skipped.id)).toEqual([]);
  });

  it("opens no second GitHub deployment when a report is retried after a crash before the id was stored", async () => {
    const { deployment, opened } = await pushed("feature-crash");
    // The crash: GitHub created the deployment, the worker died before storing its id.
    await pipeline.api.database.db
      .update(deployments)
      .set({ githubDeploymentId: null })
      .where(eq(deployments.id, deployment.id));
    await github.report(deployment.id);
    await github.move(deployment.id, "pending", "building");

    expect(githubDeploymentsOf(deployment.id)).toHaveLength(1);
    const [row] = await pipeline.api.database.db
      .select()
      .from(deployments)
      .where(eq(deployments.id, deployment.id));
    expect(row?.githubDeploymentId).toBe(String(opened.deployment.id));
    expect(states(opened)).toEqual(["queued", "in_progress"]);
  });

  it("opens one GitHub deployment and one check run when reports of a deployment run at once", async () => {
    const sha = newSha();
    await github.deliver("push", push("feature-race", sha));
    const deployment = await github.deploymentOf(sha);
    await Promise.all([1, 2, 3].map(() => github.report(deployment.id)));
    const opened = await reportedQueued(deployment.id);

    expect(githubDeploymentsOf(deployment.id)).toHaveLength(1);
    expect(states(opened)).toEqual(["queued"]);
    const checkRuns = [...pipeline.github.checkRuns.values()].filter((run) => run.head_sha === sha);
    expect(checkRuns).toHaveLength(1);
  });

  it("posts no status when the deployment's status has not changed", async () => {
    const { deployment, opened } = await pushed("feature-steady");
    await github.move(deployment.id, "pending", "building");
    await github.report(deployment.id);
    await github.move(deployment.id, "building", "deploying");
    await github.report(deployment.id);
    expect(states(opened)).toEqual(["queued", "in_progress"]);
  });

  it("still shows the check run when the installation may not create deployments yet", async () => {
    // An installation made before the App asked for the Deployments permission.
    const allow = pipeline.github.forbid("POST", /\/deployments$/);
    try {
      const sha = newSha();
      await github.deliver("push", push("feature-old-install", sha));
      const deployment = await github.deploymentOf(sha);
      await github.move(deployment.id, "pending", "building");

      expect(githubDeploymentsOf(deployment.id)).toEqual([]);
      const checkRun = [...pipeline.github.checkRuns.values()].find((run) => run.head_sha === sha);
      expect(checkRun?.status).toBe("in_progress");
    } finally {
      allow();
    }
  });
});
