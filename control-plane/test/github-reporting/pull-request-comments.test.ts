import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  apps,
  type DeploymentRow,
  deployments,
  pullRequestComments,
} from "../../src/db/schema/index.js";
import { reportPullRequestOpened } from "../../src/github-intake/report-pull-request-opened.js";
import { pullRequestCommentMarker } from "../../src/github-reporting/pull-request-comment.js";
import { reportPullRequestComment } from "../../src/github-reporting/report-pull-request-comment.js";
import type { TestWorkspace } from "../harness/api.js";
import type { FakeIssueComment } from "../harness/fake-github.js";
import {
  examplePayload,
  examplePush,
  exampleRepository,
  forkPullRequestPayload,
  startTestPipelineWithApp,
  type TestPipeline,
} from "../harness/pipeline.js";
import { newSha, publicUrl, reporting } from "./github-reporting.js";

let pipeline: TestPipeline;
let workspace: TestWorkspace;
let github: ReturnType<typeof reporting>;
const repository = exampleRepository;

beforeAll(async () => {
  ({ pipeline, workspace } = await startTestPipelineWithApp("prcomment"));
  // A second app of the same repository: the comment gets a row for each.
  await workspace.sdk.apps.createApp({
    project: "prcomment",
    name: "API",
    slug: "api",
    git: { repository, defaultBranch: "master" },
  });
  pipeline.github.setPermission(repository, "contributor", "write");
  github = reporting(pipeline);
});

/** A push to a contributor's pull request from their fork: opened, then synchronize. */
async function pushToPullRequest(number: number, action: "opened" | "synchronize") {
  const sha = newSha();
  await github.deliver(
    "pull_request",
    forkPullRequestPayload({ number, author: "contributor", sha, action }),
  );
  return await deploymentsOf(sha);
}

/** The deployments of a commit, one per app of the repository. */
async function deploymentsOf(sha: string) {
  const rows = await pipeline.api.database.db
    .select({ deployment: deployments, appSlug: apps.slug })
    .from(deployments)
    .innerJoin(apps, eq(apps.id, deployments.appId))
    .where(eq(deployments.gitCommitSha, sha))
    .orderBy(apps.slug);
  expect(rows.map((row) => row.appSlug)).toEqual(["api", "web"]);
  const [api, web] = rows.map((row) => row.deployment) as [DeploymentRow, DeploymentRow];
  return { api, web, both: [api, web] };
}

/** Slipway's comments on a pull request (the App's bot wrote them). */
const slipwayComments = (number: number): FakeIssueComment[] =>
  [...pipeline.github.issueComments.values()].filter(
    (stored) =>
      stored.repository === repository &&
      stored.issueNumber === number &&
      stored.comment.user?.type === "Bot",
  );

/** The one comment on a pull request, read after the newest deployment's report ran. */
async function theComment(number: number, newest: string) {
  await github.report(newest);
  const comments = slipwayComments(number);
  expect(comments).toHaveLength(1);
  return comments[0]!;
}

/** The table's rows, keyed by the Name column. */
function rowsOf(body: string | undefined): Map<string, string[]> {
  const rows = (body ?? "")
    .split("\n")
    .filter((line) => line.startsWith("| **"))
    .map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  return new Map(rows.map(([name, ...cells]) => [name!.replaceAll("**", ""), cells]));
}

const commentPosts = (number: number) =>
  pipeline.github.calls.filter(
    (call) =>
      call.method === "POST" && call.path === `/repos/${repository}/issues/${number}/comments`,
  );

describe("the pull request comment", () => {
  it("stays one comment through three pushes, edited in place, with a row per app for its newest deployment", async () => {
    const marker = pullRequestCommentMarker(workspace.workspaceId);
    const quoted = `> ${marker}\nWhat is this line in Slipway's comment?`;
    const personsComment = pipeline.github.addIssueComment(repository, 41, quoted, {
      login: "octocat",
      type: "User",
    });

    await pushToPullRequest(41, "opened");
    await pushToPullRequest(41, "synchronize");
    const { web } = await pushToPullRequest(41, "synchronize");
    const comment = await theComment(41, web.id);

    expect(commentPosts(41)).toHaveLength(1);
    expect(comment.bodies.length).toBeGreaterThan(1);
    expect(comment.comment.body).toContain(marker);
    const rows = rowsOf(comment.comment.body);
    expect([...rows.keys()]).toEqual(["API (preview)", "Web (preview)"]);
    expect(rows.get("API (preview)")?.[0]).toContain("Queued");
    expect(rows.get("Web (preview)")?.[0]).toContain("Queued");
    // The person's comment quoting the marker is theirs: never taken over, never edited.
    expect(pipeline.github.issueComments.get(personsComment)?.bodies).toEqual([quoted]);

    await github.move(web.id, "pending", "building");
    expect(rowsOf((await theComment(41, web.id)).comment.body).get("Web (preview)")?.[0]).toContain(
      "Building",
    );
    await github.setHostnames(web.id, ["web-pr-41.preview.slipway.local"]);
    await github.move(web.id, "building", "deploying");
    await github.move(web.id, "deploying", "ready");
    const ready = rowsOf((await theComment(41, web.id)).comment.body).get("Web (preview)");
    expect(ready?.[0]).toContain("Ready");
    expect(ready?.[0]).toContain(`(${publicUrl}/deployments/${web.id}/logs?token=${web.logToken})`);
    expect(ready?.[1]).toBe("[Visit](https://web-pr-41.preview.slipway.local)");
    expect(commentPosts(41)).toHaveLength(1);
  });

  it("finds its comment again when a crash lost the stored comment id", async () => {
    const { web } = await pushToPullRequest(42, "opened");
    const first = await theComment(42, web.id);
    await pipeline.api.database.db
      .update(pullRequestComments)
      .set({ commentId: null })
      .where(eq(pullRequestComments.pullRequestNumber, 42));
    const again = await theComment(42, web.id);

    expect(again.comment.id).toBe(first.comment.id);
    expect(commentPosts(42)).toHaveLength(1);
    const [row] = await pipeline.api.database.db
      .select()
      .from(pullRequestComments)
      .where(
        and(
          eq(pullRequestComments.workspaceId, workspace.workspaceId),
          eq(pullRequestComments.pullRequestNumber, 42),
        ),
      );
    expect(row?.commentId).toBe(String(first.comment.id));
  });

  it("writes the comment again when someone deleted it", async () => {
    const { web } = await pushToPullRequest(43, "opened");
    const first = await theComment(43, web.id);
    pipeline.github.issueComments.delete(Number(first.comment.id));
    const again = await theComment(43, web.id);
    expect(again.comment.id).not.toBe(first.comment.id);
  });

  it("is written once when reports of a pull request race", async () => {
    const pullRequest = {
      workspaceId: workspace.workspaceId,
      installationId: "4242",
      repository,
      number: 44,
    };
    const deps = { ...github.deps, github: github.deps.github! };
    await Promise.all([1, 2, 3, 4].map(() => reportPullRequestComment(deps, pullRequest)));
    expect(slipwayComments(44)).toHaveLength(1);

    const { web } = await pushToPullRequest(44, "opened");
    const comment = await theComment(44, web.id);
    expect(rowsOf(comment.comment.body).size).toBe(2);
    expect(commentPosts(44)).toHaveLength(1);

    // Again once the row exists: someone deleted the comment, and the next reports race.
    pipeline.github.issueComments.delete(Number(comment.comment.id));
    await Promise.all([1, 2, 3, 4].map(() => reportPullRequestComment(deps, pullRequest)));
    expect(slipwayComments(44)).toHaveLength(1);
  });

  it("never shows an environment variable's value, even when a failed build echoed it", async () => {
    const secret = `s3cr3t-${randomBytes(12).toString("hex")}`;
    pipeline.api.secrets.add(secret);
    await workspace.sdk.environments.setEnvironmentVariables({
      project: "prcomment",
      app: "web",
      environment: "preview",
      variables: [{ key: "API_TOKEN", value: secret, kind: "writeonly" }],
    });
    const { web, both } = await pushToPullRequest(45, "opened");
    for (const row of both) {
      await github.move(row.id, "pending", "building");
      await github.move(row.id, "building", "failed", {
        errorCode: "build_failed",
        errorStep: "build",
        errorMessage: `curl -H "Authorization: ${secret}" failed`,
      });
    }
    const comment = await theComment(45, web.id);
    expect([...rowsOf(comment.comment.body).values()].map((cells) => cells[0])).toEqual([
      expect.stringContaining("Failed"),
      expect.stringContaining("Failed"),
    ]);
    const everyBody = [...pipeline.github.issueComments.values()].flatMap(
      (stored) => stored.bodies,
    );
    expect(everyBody.filter((body) => body.includes(secret))).toEqual([]);
  });

  it("follows a pull request from a branch of the repository itself through the branch's pushes", async () => {
    pipeline.github.setPullRequest(repository, 51, "feature-same");
    const opened = examplePayload("pull_request", (example) => example.action === "opened");
    opened.number = 51;
    opened.pull_request.number = 51;
    opened.pull_request.head.ref = "feature-same";
    await github.deliver("pull_request", opened);
    let newest: Awaited<ReturnType<typeof deploymentsOf>> | undefined;
    for (let pushes = 0; pushes < 3; pushes++) {
      const sha = newSha();
      const push = examplePush({ branch: "feature-same", after: sha });
      await github.deliver("push", push);
      newest = await deploymentsOf(sha);
    }
    const comment = await theComment(51, newest!.web.id);

    expect(commentPosts(51)).toHaveLength(1);
    const rows = rowsOf(comment.comment.body);
    expect([...rows.keys()]).toEqual(["API (preview)", "Web (preview)"]);
    expect(rows.get("Web (preview)")?.[0]).toContain("Queued");
  });

  it("appears when a pull request is opened from a branch whose preview was already deployed", async () => {
    const sha = newSha();
    const push = examplePush({ branch: "feature-late", after: sha });
    await github.deliver("push", push);
    const { web } = await deploymentsOf(sha);
    await github.report(web.id);
    expect(slipwayComments(52)).toEqual([]);

    // The pull request is opened afterwards; its delivery reports the branch's previews again.
    pipeline.github.setPullRequest(repository, 52, "feature-late");
    await reportPullRequestOpened(github.deps, {
      installationId: web.githubInstallationId!,
      repository,
      branch: "feature-late",
      deliveryId: "delivery-52",
    });
    const comments = slipwayComments(52);
    expect(comments).toHaveLength(1);
    expect([...rowsOf(comments[0]!.comment.body).keys()]).toEqual([
      "API (preview)",
      "Web (preview)",
    ]);
  });
});
