import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLogs, deployments } from "../../src/db/schema/index.js";
import type { TestWorkspace } from "../harness/api.js";
import {
  examplePayload,
  examplePush,
  exampleRepository,
  forkPullRequestPayload,
  type Payload,
  startTestPipelineWithApp,
  type TestPipeline,
} from "../harness/pipeline.js";
import { eventually, reporting } from "./github-reporting.js";

let pipeline: TestPipeline;
let workspace: TestWorkspace;
const repository = exampleRepository;

beforeAll(async () => {
  ({ pipeline, workspace } = await startTestPipelineWithApp("checks"));
  pipeline.github.setPermission(repository, "maintainer", "admin");
  pipeline.github.setPermission(repository, "reader", "read");
});

async function deliver(event: string, payload: Payload) {
  const deliveryId = randomUUID();
  expect((await pipeline.deliver(event, payload, { deliveryId })).status).toBe(202);
  await pipeline.processed(deliveryId);
}

const checkRunOf = (
  sha: string,
  predicate: (status: string, conclusion?: string) => boolean = () => true,
) =>
  eventually(
    () =>
      [...pipeline.github.checkRuns.values()].find(
        (run) => run.head_sha === sha && predicate(run.status, run.conclusion),
      ),
    `a check run on ${sha}`,
  );

/** The deployment of a commit, once its check run id has been stored. */
async function deploymentWithCheckRun(sha: string) {
  return await eventually(async () => {
    const [row] = await pipeline.api.database.db
      .select()
      .from(deployments)
      .where(eq(deployments.gitCommitSha, sha));
    return row?.githubCheckRunId ? row : undefined;
  }, `the check run id of ${sha} to be stored`);
}

const push = (after: string) => examplePush({ after });

const forkPullRequest = (number: number, author: string, sha: string) =>
  forkPullRequestPayload({ number, author, sha });

/** GitHub's example `check_run.requested_action`, pointed at our check run and pressed by `login`. */
function approvePressed(checkRunId: number, login: string): Payload {
  const payload = examplePayload("check_run", (example) => example.action === "requested_action");
  payload.requested_action = { identifier: "approve" };
  payload.installation = { id: 4242 };
  payload.check_run.id = checkRunId;
  payload.sender.login = login;
  payload.repository.full_name = repository;
  return payload;
}

describe("check runs", () => {
  it("shows a queued deployment on its commit as soon as it is queued", async () => {
    const sha = "1".repeat(40);
    await deliver("push", push(sha));
    const run = await checkRunOf(sha);
    expect(run).toMatchObject({ repository, name: "Slipway: web (production)", status: "queued" });
    const [row] = await pipeline.api.database.db
      .select()
      .from(deployments)
      .where(eq(deployments.gitCommitSha, sha));
    expect(run.external_id).toBe(row!.id);
    await eventually(async () => {
      const [stored] = await pipeline.api.database.db
        .select()
        .from(deployments)
        .where(eq(deployments.gitCommitSha, sha));
      return stored?.githubCheckRunId === String(run.id) ? true : undefined;
    }, "the check run id to be stored");
  });

  it("completes a skipped deployment's check run with the skip reason", async () => {
    await workspace.sdk.environments.updateSettings({
      project: "checks",
      app: "web",
      environment: "production",
      watchPaths: ["api/**"],
    });
    const sha = "2".repeat(40);
    await deliver("push", push(sha));
    const run = await checkRunOf(sha);
    expect(run).toMatchObject({ status: "completed", conclusion: "skipped" });
    expect(run.output?.summary).toContain("No changed file matches the watch paths api/**");
    await workspace.sdk.environments.updateSettings({
      project: "checks",
      app: "web",
      environment: "production",
      watchPaths: [],
    });
  });

  it("marks a superseded deployment's check run cancelled", async () => {
    const first = push("3".repeat(40));
    const second = push("4".repeat(40));
    await deliver("push", first);
    await checkRunOf(first.after);
    await deliver("push", second);
    const run = await checkRunOf(first.after, (_status, conclusion) => conclusion === "cancelled");
    expect(run.history.map((step) => step.conclusion ?? step.status)).toEqual([
      "queued",
      "cancelled",
    ]);
  });
});

describe("a report that died after GitHub created the check run", () => {
  it("finds that run again instead of adding a second one to the commit", async () => {
    const sha = "7a".repeat(20);
    await deliver("push", push(sha));
    const stored = await deploymentWithCheckRun(sha);
    // The state a crash between "created on GitHub" and "id stored" leaves behind.
    await pipeline.api.database.db
      .update(deployments)
      .set({ githubCheckRunId: null })
      .where(eq(deployments.id, stored.id));
    await reporting(pipeline).report(stored.id);
    const runs = [...pipeline.github.checkRuns.values()].filter((run) => run.head_sha === sha);
    expect(runs).toHaveLength(1);
    const [again] = await pipeline.api.database.db
      .select()
      .from(deployments)
      .where(eq(deployments.id, stored.id));
    expect(again!.githubCheckRunId).toBe(String(runs[0]!.id));
  });
});

describe("the Approve button on a fork's check run", () => {
  it("asks for approval, refuses a reader's press and honours a writer's", async () => {
    const sha = "5".repeat(40);
    await deliver("pull_request", forkPullRequest(31, "stranger", sha));
    const waiting = await checkRunOf(sha);
    expect(waiting).toMatchObject({ status: "completed", conclusion: "action_required" });
    expect(waiting.actions).toEqual([
      expect.objectContaining({ label: "Approve", identifier: "approve" }),
    ]);
    const deployment = await deploymentWithCheckRun(sha);

    await deliver("check_run", approvePressed(waiting.id, "reader"));
    let [row] = await pipeline.api.database.db
      .select()
      .from(deployments)
      .where(eq(deployments.id, deployment!.id));
    expect(row?.status).toBe("awaiting_approval");
    const refusals = await pipeline.api.database.db
      .select()
      .from(auditLogs)
      .where(eq(auditLogs.targetId, deployment!.id));
    expect(refusals.map((entry) => [entry.action, entry.actorId])).toContainEqual([
      "deployment.approve_refused",
      "reader",
    ]);

    await deliver("check_run", approvePressed(waiting.id, "maintainer"));
    [row] = await pipeline.api.database.db
      .select()
      .from(deployments)
      .where(eq(deployments.id, deployment!.id));
    expect(row).toMatchObject({ status: "pending", approvedBy: "github:maintainer" });
    const queued = await checkRunOf(sha, (status) => status === "queued");
    expect(queued.id).toBe(waiting.id);
  });

  it("updates the check run when a member approves through the API", async () => {
    const sha = "6".repeat(40);
    await deliver("pull_request", forkPullRequest(32, "stranger", sha));
    const waiting = await checkRunOf(sha);
    const deployment = await deploymentWithCheckRun(sha);
    const response = await pipeline.api.post(
      "/v2/deployments.approveDeployment",
      { deploymentId: deployment!.id },
      workspace.rootKey,
    );
    expect(response.status).toBe(202);
    const queued = await checkRunOf(sha, (status) => status === "queued");
    expect(queued.id).toBe(waiting.id);
    expect(queued.actions).toEqual([]);
  });
});
