import { beforeAll, describe, expect, it } from "vitest";
import { exampleRepository } from "../harness/pipeline.js";
import { dockerfile, startBuildPipeline } from "./build-harness.js";

let harness: Awaited<ReturnType<typeof startBuildPipeline>>;
const production = { project: "shop", app: "web", environment: "production" };
const app = () => ({
  Dockerfile: dockerfile("COPY version.txt /version.txt"),
  "version.txt": `${Math.random()}`,
});

beforeAll(async () => {
  harness = await startBuildPipeline();
});

describe("deployments.createDeployment", () => {
  it("builds a branch's head commit when asked for a branch, in any environment", async () => {
    const sha = "a1".repeat(20);
    harness.pipeline.github.repositories.setCommit(exampleRepository, sha, app(), {
      branch: "release",
      message: "Release 1.2\n\nlong body",
    });
    const response = await harness.workspace.sdk.deployments.createDeployment({
      project: "shop",
      app: "web",
      environment: "preview",
      git: { branch: "release" },
    });
    const row = await harness.waitForDeployment(response.data.deploymentId, (r) =>
      ["deploying", "failed"].includes(r.status),
    );
    expect(row.errorMessage).toBeNull();
    expect(row).toMatchObject({
      status: "deploying",
      trigger: "manual",
      gitCommitSha: sha,
      gitBranch: "release",
      gitRepository: exampleRepository,
      gitCommitMessage: "Release 1.2",
    });
    const { data } = await harness.workspace.sdk.deployments.getDeployment({
      deploymentId: row.id,
    });
    expect(data.git).toMatchObject({ commitSha: sha, branch: "release" });
    expect(data.environment).toBeDefined();
  });

  it("builds an abbreviated commit SHA, and re-runs an existing deployment from its recorded commit", async () => {
    const sha = "b2".repeat(20);
    harness.pipeline.github.repositories.setCommit(exampleRepository, sha, app());
    const first = await harness.workspace.sdk.deployments.createDeployment({
      ...production,
      git: { commitSha: sha.slice(0, 10) },
    });
    const built = await harness.waitForDeployment(first.data.deploymentId, (r) =>
      ["deploying", "failed"].includes(r.status),
    );
    expect(built.gitCommitSha).toBe(sha);

    const again = await harness.workspace.sdk.deployments.createDeployment({
      ...production,
      deployment: { deploymentId: built.id },
    });
    const rebuilt = await harness.waitForDeployment(again.data.deploymentId, (r) =>
      ["deploying", "failed"].includes(r.status),
    );
    expect(rebuilt).toMatchObject({ gitCommitSha: sha, sourceDeploymentId: built.id });
    expect(rebuilt.id).not.toBe(built.id);
  });

  it("rolls a prebuilt image out as it is, without a build", async () => {
    const response = await harness.workspace.sdk.deployments.createDeployment({
      ...production,
      image: { dockerImage: "ghcr.io/acme/api:1.4.2" },
    });
    const row = await harness.deploymentRow(response.data.deploymentId);
    expect(row).toMatchObject({ status: "deploying", image: "ghcr.io/acme/api:1.4.2" });
    expect(await harness.buildStep(row.id)).toBeUndefined();
  });

  it("answers a clear error, with the request id, for every bad source and creates nothing", async () => {
    const cases: Array<[unknown, number, RegExp]> = [
      [{ ...production }, 400, /exactly one source/],
      [
        { ...production, image: { dockerImage: "a:b" }, git: { branch: "x" } },
        400,
        /exactly one source/,
      ],
      [{ ...production, image: { dockerImage: "Not An Image!" } }, 400, /not an image reference/],
      [{ ...production, git: { branch: "no-such-branch" } }, 400, /not a branch or commit/],
      [{ ...production, git: { commitSha: "xyz" } }, 400, /not a commit SHA/],
      [{ ...production, git: { repository: "someone/fork" } }, 400, /requires git.commitSha/],
      [{ ...production, deployment: { deploymentId: "dep_missing" } }, 404, /dep_missing/],
      [{ ...production, environment: "staging", image: { dockerImage: "a/b" } }, 404, /staging/],
    ];
    for (const [body, status, message] of cases) {
      const response = await harness.pipeline.api.post(
        "/v2/deployments.createDeployment",
        body,
        harness.workspace.rootKey,
      );
      const answer = (await response.json()) as {
        meta: { requestId: string };
        error: { detail: string };
      };
      expect({ body, status: response.status }).toEqual({ body, status });
      expect(answer.error.detail).toMatch(message);
      expect(answer.meta.requestId).toMatch(/^req_/);
    }
  });

  it("refuses git deployments of an app without a repository", async () => {
    await harness.workspace.sdk.apps.createApp({ project: "shop", name: "Worker", slug: "worker" });
    const response = await harness.pipeline.api.post(
      "/v2/deployments.createDeployment",
      { project: "shop", app: "worker", environment: "production", git: { branch: "main" } },
      harness.workspace.rootKey,
    );
    expect(response.status).toBe(412);
    expect(((await response.json()) as { error: { detail: string } }).error.detail).toMatch(
      /no GitHub repository connected/,
    );
  });
});
