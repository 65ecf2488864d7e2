import { beforeAll, describe, expect, it } from "vitest";
import type { TestWorkspace } from "../harness/api.js";
import {
  exampleRepository,
  startTestPipelineWithApp,
  type TestPipeline,
} from "../harness/pipeline.js";

let pipeline: TestPipeline;
let workspace: TestWorkspace;
const web = { project: "shop", app: "web" };
const sha = (seed: string) => seed.repeat(40 / seed.length);

beforeAll(async () => {
  ({ pipeline, workspace } = await startTestPipelineWithApp("shop"));
  const contents = pipeline.github.repositories;
  contents.setCommit(exampleRepository, sha("a1"), {}, { branch: "master", message: "First" });
  contents.setCommit(
    exampleRepository,
    sha("b2"),
    {},
    {
      branch: "master",
      message: "Second\n\nwith a body",
      author: "octocat",
    },
  );
  for (const branch of ["feature/login", "release-1.2"]) {
    contents.setCommit(exampleRepository, sha("c3"), {}, { branch });
  }
});

const post = (operation: string, body: unknown, rootKey = workspace.rootKey) =>
  pipeline.api.post(`/v2/${operation}`, body, rootKey);

describe("apps.listRepositoryBranches and apps.listRepositoryCommits", () => {
  it("lists the connected repository's branches and a branch's commits, page by page", async () => {
    const before = pipeline.github.issuedTokens.length;
    const first = await post("apps.listRepositoryBranches", { ...web, limit: 2 });
    expect(first.status, await first.clone().text()).toBe(200);
    const page1 = await first.json();
    expect(page1.data).toEqual([
      { name: "feature/login", commitSha: sha("c3"), protected: false },
      { name: "master", commitSha: sha("b2"), protected: false },
    ]);
    expect(page1.pagination).toEqual({ hasMore: true, cursor: "2" });
    const page2 = await (
      await post("apps.listRepositoryBranches", { ...web, limit: 2, cursor: "2" })
    ).json();
    expect(page2.data.map((branch: { name: string }) => branch.name)).toEqual(["release-1.2"]);
    expect(page2.pagination).toEqual({ hasMore: false });

    const commits = await (
      await post("apps.listRepositoryCommits", { ...web, branch: "master" })
    ).json();
    expect(commits.data).toEqual([
      expect.objectContaining({
        commitSha: sha("b2"),
        commitMessage: "Second",
        authorHandle: "octocat",
      }),
      expect.objectContaining({ commitSha: sha("a1"), commitMessage: "First" }),
    ]);
    // Every call read with a token of its own, restricted to the app's one repository.
    const minted = pipeline.github.issuedTokens.slice(before);
    expect(minted.length).toBeGreaterThanOrEqual(3);
    for (const token of minted) {
      expect(pipeline.github.tokenRepositories.get(token)).toEqual(["Hello-World"]);
    }
  });

  it("answers an unknown branch with a 404 that names it, and refuses hostile branch names", async () => {
    const missing = await post("apps.listRepositoryCommits", { ...web, branch: "nope" });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.detail).toContain("Branch 'nope'");

    for (const branch of [
      "../etc",
      "a b",
      "-rf",
      "x\u0000y",
      "refs/heads/x.lock",
      "a..b",
      "x@{1}",
    ]) {
      for (const [operation, body] of [
        ["apps.listRepositoryCommits", { ...web, branch }],
        ["deployments.createDeployment", { ...web, environment: "production", git: { branch } }],
      ] as const) {
        const response = await post(operation, body);
        expect(response.status, `${operation} ${JSON.stringify(branch)}`).toBe(400);
        const envelope = await response.json();
        expect(envelope.meta.requestId).toBeTruthy();
        expect(envelope.error.errors[0].location).toMatch(/^body\.(git\.)?branch$/);
      }
    }
    const cursor = await post("apps.listRepositoryBranches", { ...web, cursor: "0; drop" });
    expect(cursor.status).toBe(400);
  });

  it("never lists another workspace's repository", async () => {
    const other = await pipeline.api.newWorkspace("other");
    const response = await post("apps.listRepositoryBranches", web, other.rootKey);
    expect(response.status).toBe(404);
    await other.sdk.projects.createProject({ name: "Shop", slug: "shop" });
    await other.sdk.apps.createApp({ project: "shop", name: "Web", slug: "web" });
    // Its own app of the same name has no repository, and it has no installation.
    const own = await post("apps.listRepositoryBranches", web, other.rootKey);
    expect(own.status).toBe(412);
    expect((await own.json()).error.detail).toContain("no GitHub repository connected");
  });
});

describe("a deployment's git source", () => {
  it("carries the commit's author and message, as a manual deploy of a branch resolved them", async () => {
    const { data } = await workspace.sdk.deployments.createDeployment({
      ...web,
      environment: "production",
      git: { branch: "master" },
    });
    const response = await post("deployments.getDeployment", { deploymentId: data.deploymentId });
    const deployment = (await response.json()).data;
    expect(deployment.git).toEqual({
      commitSha: sha("b2"),
      branch: "master",
      authorHandle: "octocat",
      commitMessage: "Second",
    });
  });
});
