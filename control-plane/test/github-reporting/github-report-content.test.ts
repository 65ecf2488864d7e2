import { type DeploymentStatus, deploymentStatuses } from "@slipway/shared";
import { describe, expect, it } from "vitest";
import { deploymentLogUrl, deploymentUrl } from "../../src/github-reporting/deployment-links.js";
import {
  deploymentStatusChanged,
  type GitHubDeploymentFacts,
  githubDeploymentPlan,
  githubDeploymentRequest,
  githubDeploymentStatus,
} from "../../src/github-reporting/github-deployment-content.js";
import {
  commentedPullRequestsOf,
  type PullRequestCommentRow,
  pullRequestCommentBody,
  pullRequestCommentMarker,
} from "../../src/github-reporting/pull-request-comment.js";

const facts = (overrides: Partial<GitHubDeploymentFacts> = {}): GitHubDeploymentFacts => ({
  id: "dep_01",
  status: "pending",
  appSlug: "web",
  environmentSlug: "preview",
  environmentKind: "preview",
  gitCommitSha: "a".repeat(40),
  url: "https://web-dep.preview.example",
  logUrl: "https://slipway.example/deployments/dep_01/logs",
  ...overrides,
});

describe("the GitHub deployment of a deployment", () => {
  it("follows every Slipway status with GitHub's state of the same meaning", () => {
    const shown = Object.fromEntries(
      deploymentStatuses.map((status) => [status, githubDeploymentStatus(facts({ status })).state]),
    );
    expect(shown).toEqual({
      pending: "queued",
      awaiting_approval: "pending",
      starting: "in_progress",
      building: "in_progress",
      deploying: "in_progress",
      network: "in_progress",
      finalizing: "in_progress",
      ready: "success",
      // Scaled to zero, still reachable: the next request wakes it.
      idle: "success",
      failed: "failure",
      skipped: "inactive",
      stopped: "inactive",
      superseded: "inactive",
      cancelled: "inactive",
    } satisfies Record<DeploymentStatus, string>);
  });

  it("links where the deployment answers only once it is ready", () => {
    expect(githubDeploymentStatus(facts({ status: "ready" })).environmentUrl).toBe(
      "https://web-dep.preview.example",
    );
    for (const status of ["building", "failed", "stopped"] as const) {
      expect(githubDeploymentStatus(facts({ status })).environmentUrl).toBeUndefined();
    }
  });

  it("is transient for a preview and the production environment for production", () => {
    expect(githubDeploymentRequest(facts())).toMatchObject({
      environment: "web (preview)",
      transientEnvironment: true,
      productionEnvironment: false,
      slipwayDeploymentId: "dep_01",
    });
    const production = githubDeploymentRequest(
      facts({ environmentSlug: "production", environmentKind: "production" }),
    );
    expect(production).toMatchObject({
      environment: "web (production)",
      transientEnvironment: false,
      productionEnvironment: true,
    });
  });

  it("is opened for deployments that ran, looked for when withdrawn while queued, never for skipped", () => {
    expect(githubDeploymentPlan("pending")).toBe("open");
    expect(githubDeploymentPlan("awaiting_approval")).toBe("open");
    expect(githubDeploymentPlan("superseded")).toBe("find-only");
    expect(githubDeploymentPlan("cancelled")).toBe("find-only");
    expect(githubDeploymentPlan("skipped")).toBe("none");
  });

  it("posts a status only when its state or address changed", () => {
    const ready = githubDeploymentStatus(facts({ status: "ready" }));
    expect(deploymentStatusChanged(undefined, ready)).toBe(true);
    expect(deploymentStatusChanged(ready, ready)).toBe(false);
    expect(deploymentStatusChanged({ ...ready, description: "Deploying" }, ready)).toBe(false);
    expect(deploymentStatusChanged({ ...ready, environmentUrl: "https://old" }, ready)).toBe(true);
    expect(deploymentStatusChanged({ ...ready, state: "in_progress" }, ready)).toBe(true);
  });
});

describe("deployment links", () => {
  const hostnames = ["web-dep.preview.example"];
  it("points production's current deployment at its verified domain, every other at its hostnames", () => {
    const production = {
      environmentKind: "production" as const,
      hostnames,
      verifiedDomains: ["www.acme.example"],
    };
    expect(deploymentUrl({ ...production, isCurrent: true })).toBe("https://www.acme.example");
    expect(deploymentUrl({ ...production, isCurrent: false })).toBe(
      "https://web-dep.preview.example",
    );
    expect(
      deploymentUrl({
        environmentKind: "preview",
        isCurrent: false,
        hostnames: [],
        verifiedDomains: [],
      }),
    ).toBeUndefined();
  });

  it("links the log only when Slipway's public address is known", () => {
    const deployment = { id: "dep_01", logToken: "4f2a" };
    expect(deploymentLogUrl(undefined, deployment)).toBeUndefined();
    expect(deploymentLogUrl("https://slipway.example/", deployment)).toBe(
      "https://slipway.example/deployments/dep_01/logs?token=4f2a",
    );
  });
});

describe("the pull request comment body", () => {
  const row = (overrides: Partial<PullRequestCommentRow>): PullRequestCommentRow => ({
    projectName: "Shop",
    appName: "Web",
    environmentSlug: "preview",
    deploymentId: "dep_01",
    status: "ready",
    url: "https://web-dep.preview.example",
    logUrl: undefined,
    updatedAt: new Date("2026-11-27T10:15:42Z"),
    ...overrides,
  });

  it("starts with the workspace's marker and shows one row per app, ordered by name", () => {
    const body = pullRequestCommentBody("ws_1", [
      row({ appName: "Web", deploymentId: "dep_02" }),
      row({ appName: "API", deploymentId: "dep_03", status: "building", url: undefined }),
    ]);
    expect(body.split("\n")[0]).toBe(pullRequestCommentMarker("ws_1"));
    expect(body).toContain(
      [
        "| Name | Status | Preview | Updated |",
        "| :--- | :----- | :------ | :------ |",
        "| **API (preview)** | 🔨 Building | — | 2026-11-27 10:15 UTC |",
        "| **Web (preview)** | ✅ Ready | [Visit](https://web-dep.preview.example) | 2026-11-27 10:15 UTC |",
      ].join("\n"),
    );
  });

  it("offers no Visit link for a deployment that is not ready, even with hostnames", () => {
    const body = pullRequestCommentBody("ws_1", [row({ status: "stopped" })]);
    expect(body).toContain("| ⏹️ Stopped | — |");
  });

  it("keeps the table intact whatever the names contain", () => {
    const body = pullRequestCommentBody("ws_1", [row({ appName: "a|b [x](https://evil) <img>" })]);
    const line = body.split("\n").find((text) => text.startsWith("| **"))!;
    expect(line.split(/(?<!\\)\|/)).toHaveLength(6);
    expect(line).not.toContain("[x](");
    expect(line).not.toContain("<img>");
  });

  it("names the project only when the pull request deploys apps of several", () => {
    const body = pullRequestCommentBody("ws_1", [
      row({ projectName: "Shop" }),
      row({ projectName: "Blog", deploymentId: "dep_09" }),
    ]);
    expect(body).toContain("**Blog / Web (preview)**");
    expect(body).toContain("**Shop / Web (preview)**");
  });
});

describe("which pull requests show a deployment", () => {
  it("is the fork's pull request, or the open pull requests of a preview's branch", () => {
    const base = { gitBranch: "feature", environmentKind: "preview" as const };
    expect(commentedPullRequestsOf({ ...base, pullRequestNumber: 7 })).toEqual({
      kind: "pull-request",
      number: 7,
    });
    expect(commentedPullRequestsOf({ ...base, pullRequestNumber: null })).toEqual({
      kind: "branch",
      branch: "feature",
    });
    expect(
      commentedPullRequestsOf({ ...base, environmentKind: "production", pullRequestNumber: null }),
    ).toEqual({ kind: "none" });
  });
});
