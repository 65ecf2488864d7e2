import { randomBytes, randomUUID } from "node:crypto";
import { eq, inArray, lt, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { deployments, githubDeliveries, githubPushClaims } from "../../src/db/schema/index.js";
import {
  examplePush,
  forkPullRequestPayload,
  type Payload,
  startTestPipelineWithApp,
  type TestPipeline,
} from "../harness/pipeline.js";

let pipeline: TestPipeline;

beforeAll(async () => {
  ({ pipeline } = await startTestPipelineWithApp("replays"));
});

const newSha = () => randomBytes(20).toString("hex");

/** Posts a signed delivery under a fresh delivery id, waits until it is processed, returns the id. */
async function deliver(event: string, payload: Payload): Promise<string> {
  const deliveryId = randomUUID();
  const response = await pipeline.deliver(event, payload, { deliveryId });
  expect(response.status).toBe(202);
  expect((await response.json()).data).toMatchObject({ deliveryId, duplicate: false });
  await pipeline.processed(deliveryId);
  return deliveryId;
}

const deploymentsOfCommit = (sha: string) =>
  pipeline.api.database.db.select().from(deployments).where(eq(deployments.gitCommitSha, sha));

async function deliveryRows(ids: string[]) {
  const rows = await pipeline.api.database.db
    .select()
    .from(githubDeliveries)
    .where(inArray(githubDeliveries.id, ids));
  return new Map(rows.map((row) => [row.id, row]));
}

describe("a signed push sent again under a new delivery id", () => {
  it("deploys once; the replay is stored, acknowledged and recorded as a duplicate", async () => {
    const push = examplePush({ after: newSha() });
    const first = await deliver("push", push);
    const replay = await deliver("push", push);

    const made = await deploymentsOfCommit(push.after);
    expect(made).toHaveLength(1);
    expect(made[0]!.idempotencyKey).toContain(first);
    const rows = await deliveryRows([first, replay]);
    expect(rows.get(first)).toMatchObject({ duplicateOf: null, error: null });
    expect(rows.get(replay)).toMatchObject({ duplicateOf: first, error: null });
    expect(rows.get(replay)!.processedAt).not.toBeNull();
  });

  it("makes exactly one deployment when many deliveries of one push arrive at once", async () => {
    const push = examplePush({ after: newSha(), branch: "race" });
    const ids = Array.from({ length: 8 }, () => randomUUID());
    const responses = await Promise.all(
      ids.map((deliveryId) => pipeline.deliver("push", push, { deliveryId })),
    );
    expect(responses.map((response) => response.status)).toEqual(ids.map(() => 202));
    await Promise.all(ids.map((id) => pipeline.processed(id)));

    const made = await deploymentsOfCommit(push.after);
    expect(made).toHaveLength(1);
    const winner = ids.find((id) => (made[0]!.idempotencyKey ?? "").includes(id))!;
    const rows = await deliveryRows(ids);
    expect(ids.filter((id) => id !== winner).map((id) => rows.get(id)!.duplicateOf)).toEqual(
      ids.filter((id) => id !== winner).map(() => winner),
    );
  });

  it("deploys the same push again once the replay window has passed", async () => {
    const push = examplePush({ after: newSha(), branch: "window" });
    await deliver("push", push);
    // Time passing, as the database sees it: the claim is older than the 24 h default window.
    await pipeline.api.database.db
      .update(githubPushClaims)
      .set({ claimedAt: sql`${githubPushClaims.claimedAt} - interval '25 hours'` });
    const expired = async () =>
      (
        await pipeline.api.database.db
          .select()
          .from(githubPushClaims)
          .where(lt(githubPushClaims.claimedAt, sql`now() - interval '24 hours'`))
      ).length;
    expect(await expired()).toBeGreaterThan(1);
    await deliver("push", push);
    expect(await deploymentsOfCommit(push.after)).toHaveLength(2);
    // Taking a claim prunes expired ones, so the table holds about one window of pushes.
    expect(await expired()).toBe(0);
  });
});

describe("genuinely new pushes within the window", () => {
  it("deploys a commit pushed to another branch, and a branch moved back to an earlier commit", async () => {
    const a = newSha();
    const b = newSha();
    const toA = examplePush({ after: a, branch: "revert" });
    toA.before = newSha();
    await deliver("push", toA);
    const toB = examplePush({ after: b, branch: "revert" });
    toB.before = a;
    await deliver("push", toB);
    // B was bad: the branch is force-pushed back to A.
    const backToA = examplePush({ after: a, branch: "revert" });
    backToA.before = b;
    backToA.forced = true;
    await deliver("push", backToA);
    const sameCommitElsewhere = structuredClone(toA);
    sameCommitElsewhere.ref = "refs/heads/another-branch";
    await deliver("push", sameCommitElsewhere);

    const made = await deploymentsOfCommit(a);
    expect(made.map((deployment) => deployment.gitBranch).sort()).toEqual([
      "another-branch",
      "revert",
      "revert",
    ]);
    // The revert is the branch's newest deployment, not superseded by B's.
    const revert = made.filter((deployment) => deployment.gitBranch === "revert");
    expect(revert.map((deployment) => deployment.status).sort()).toEqual(["pending", "superseded"]);
  });

  it("deploys A→B pushed again after B→A: the push time tells the pushes apart", async () => {
    const a = newSha();
    const b = newSha();
    const first = examplePush({ after: b, branch: "again" });
    first.before = a;
    first.repository.pushed_at = 1_800_000_000;
    await deliver("push", first);
    const second = structuredClone(first);
    second.repository.pushed_at = 1_800_000_120;
    await deliver("push", second);
    expect(await deploymentsOfCommit(b)).toHaveLength(2);
  });
});

describe("a fork's pull request event sent again", () => {
  it("deploys once per event, and again when the pull request is reopened at the same commit", async () => {
    const opened = forkPullRequestPayload({ number: 77, author: "forker" });
    await deliver("pull_request", opened);
    const replay = await deliver("pull_request", opened);
    expect(await deploymentsOfCommit(opened.pull_request.head.sha)).toHaveLength(1);
    expect((await deliveryRows([replay])).get(replay)!.duplicateOf).not.toBeNull();

    const closed = structuredClone(opened);
    closed.action = "closed";
    closed.pull_request.updated_at = "2030-01-01T00:00:00Z";
    await deliver("pull_request", closed);
    const reopened = structuredClone(opened);
    reopened.action = "reopened";
    reopened.pull_request.updated_at = "2030-01-01T00:05:00Z";
    await deliver("pull_request", reopened);
    expect(await deploymentsOfCommit(opened.pull_request.head.sha)).toHaveLength(2);
  });
});
