import { randomUUID } from "node:crypto";
import { count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { deployments, githubDeliveries } from "../../src/db/schema/index.js";
import type { TestWorkspace } from "../harness/api.js";
import {
  examplePayload,
  examplePush,
  sign,
  startTestPipelineWithApp,
  type TestPipeline,
} from "../harness/pipeline.js";

let pipeline: TestPipeline;
let workspace: TestWorkspace;

beforeAll(async () => {
  ({ pipeline, workspace } = await startTestPipelineWithApp("hooks"));
});

const rowCount = async (table: typeof githubDeliveries | typeof deployments) =>
  (await pipeline.api.database.db.select({ n: count() }).from(table))[0]!.n;

const branchPush = () => examplePush();

describe("POST /webhooks/github", () => {
  it("answers 401 and stores nothing for a bad or missing signature", async () => {
    const payload = branchPush();
    const before = await rowCount(githubDeliveries);
    let response = await pipeline.deliver("push", payload, { signature: sign("something else") });
    expect(response.status).toBe(401);
    expect((await response.json()).error.detail).toContain("X-Hub-Signature-256");
    response = await pipeline.deliver("push", payload, {
      signature: sign(JSON.stringify(payload), "wrong secret"),
    });
    expect(response.status).toBe(401);
    response = await fetch(`${pipeline.api.url}/webhooks/github`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "push",
        "x-github-delivery": randomUUID(),
      },
      body: JSON.stringify(payload),
    });
    expect(response.status).toBe(401);
    expect(await rowCount(githubDeliveries)).toBe(before);
  });

  it("answers 400 for a signed body that is not JSON, 413 for an oversized one, 202 for unknown events", async () => {
    const garbage = "{not json";
    let response = await fetch(`${pipeline.api.url}/webhooks/github`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "push",
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": sign(garbage),
      },
      body: garbage,
    });
    expect(response.status).toBe(400);
    const huge = { padding: "x".repeat(27 * 1024 * 1024) };
    response = await pipeline.deliver("push", huge);
    expect(response.status).toBe(413);
    const before = await rowCount(githubDeliveries);
    response = await pipeline.deliver("star", { action: "created" });
    expect(response.status).toBe(202);
    expect((await response.json()).data.ignored).toBe(true);
    expect(await rowCount(githubDeliveries)).toBe(before);
  });
});

describe("from a push to a deployment", () => {
  it("deploys the production branch once, however often GitHub redelivers", async () => {
    const deliveryId = randomUUID();
    const payload = branchPush();
    const first = await pipeline.deliver("push", payload, { deliveryId });
    expect(first.status).toBe(202);
    await pipeline.processed(deliveryId);
    for (let i = 0; i < 3; i++) {
      const again = await pipeline.deliver("push", payload, { deliveryId });
      expect(again.status).toBe(202);
      expect((await again.json()).data.duplicate).toBe(true);
    }
    const listed = await workspace.sdk.deployments.listDeployments({
      project: "hooks",
      app: "web",
      environment: "production",
    });
    const fromThisPush = listed.result.data.filter(
      (deployment) => deployment.git?.commitSha === payload.after,
    );
    expect(fromThisPush).toHaveLength(1);
    expect(fromThisPush[0]).toMatchObject({
      status: "pending",
      git: { commitSha: payload.after, branch: "master" },
    });
    // Slipway's extension fields: who pushed the head commit and its message, from the payload.
    const raw = await (
      await pipeline.api.post(
        "/v2/deployments.getDeployment",
        { deploymentId: fromThisPush[0]!.id },
        workspace.rootKey,
      )
    ).json();
    expect(raw.data.git).toMatchObject({
      authorHandle: payload.head_commit.author.username ?? payload.pusher.name,
      commitMessage: String(payload.head_commit.message).split("\n")[0],
    });
    const audit = await (
      await pipeline.api.post(
        "/v2/auditLogs.listAuditLogs",
        { targetId: fromThisPush[0]!.id },
        workspace.rootKey,
      )
    ).json();
    expect(audit.data[0]).toMatchObject({ action: "deployment.create", actor: { type: "github" } });
  });

  it("deploys other branches to preview and supersedes a queued deployment of the same branch", async () => {
    const first = branchPush();
    first.ref = "refs/heads/feature-x";
    first.after = "a".repeat(40);
    const second = structuredClone(first);
    second.after = "b".repeat(40);
    for (const payload of [first, second]) {
      const deliveryId = randomUUID();
      await pipeline.deliver("push", payload, { deliveryId });
      await pipeline.processed(deliveryId);
    }
    const listed = await workspace.sdk.deployments.listDeployments({
      project: "hooks",
      app: "web",
      environment: "preview",
    });
    const statuses = Object.fromEntries(
      listed.result.data.map((deployment) => [deployment.git?.commitSha, deployment.status]),
    );
    expect(statuses["a".repeat(40)]).toBe("superseded");
    expect(statuses["b".repeat(40)]).toBe("pending");
  });

  it("deploys nothing for tags and for branch creation or deletion", async () => {
    const before = await rowCount(deployments);
    const tag = examplePayload("push", (example) => example.ref === "refs/tags/simple-tag");
    const created = branchPush();
    created.created = true;
    created.before = "0".repeat(40);
    const deleted = branchPush();
    deleted.deleted = true;
    deleted.after = "0".repeat(40);
    for (const payload of [tag, created, deleted]) {
      const deliveryId = randomUUID();
      await pipeline.deliver("push", payload, { deliveryId });
      await pipeline.processed(deliveryId);
    }
    expect(await rowCount(deployments)).toBe(before);
  });
});

describe("watch paths and auto-deploy", () => {
  it("records a skipped deployment naming the patterns and a sample of the files", async () => {
    await workspace.sdk.environments.updateSettings({
      project: "hooks",
      app: "web",
      environment: "preview",
      watchPaths: ["src/**", "**/*.go"],
    });
    const payload = branchPush();
    payload.ref = "refs/heads/docs-only";
    payload.after = "c".repeat(40);
    payload.commits = [
      { ...payload.commits[0], added: ["docs/guide.md"], modified: ["README.md"], removed: [] },
      { ...payload.commits[0], added: [], modified: ["docs/faq.md"], removed: ["old.txt"] },
    ];
    const deliveryId = randomUUID();
    await pipeline.deliver("push", payload, { deliveryId });
    await pipeline.processed(deliveryId);
    const [row] = await pipeline.api.database.db
      .select()
      .from(deployments)
      .where(eq(deployments.gitCommitSha, payload.after));
    const response = await pipeline.api.post(
      "/v2/deployments.getDeployment",
      { deploymentId: row!.id },
      workspace.rootKey,
    );
    const { data } = await response.json();
    expect(data.status).toBe("skipped");
    expect(data.skipReason).toBe(
      "No changed file matches the watch paths src/**, **/*.go (changed: README.md, docs/faq.md, docs/guide.md, old.txt).",
    );
    // The SDK reads the same deployment (its schema ignores Slipway's extra field).
    expect(
      (await workspace.sdk.deployments.getDeployment({ deploymentId: row!.id })).data.status,
    ).toBe("skipped");
  });

  it("asks GitHub's compare API when the payload's file list may be incomplete", async () => {
    const payload = branchPush();
    payload.ref = "refs/heads/big-merge";
    payload.before = "d".repeat(40);
    payload.after = "e".repeat(40);
    payload.commits = Array.from({ length: 20 }, () => ({
      ...payload.commits[0],
      added: [],
      modified: ["docs/x.md"],
      removed: [],
    }));
    pipeline.github.setComparison("Codertocat/Hello-World", payload.before, payload.after, [
      "docs/x.md",
      "src/server.go",
    ]);
    const deliveryId = randomUUID();
    await pipeline.deliver("push", payload, { deliveryId });
    await pipeline.processed(deliveryId);
    expect(
      pipeline.github.calls.some((call) =>
        call.path.includes(`/compare/${payload.before}...${payload.after}`),
      ),
    ).toBe(true);
    const [row] = await pipeline.api.database.db
      .select()
      .from(deployments)
      .where(eq(deployments.gitCommitSha, payload.after));
    expect(row?.status).toBe("pending");
  });

  it("records a skipped deployment when auto-deploy is off", async () => {
    await workspace.sdk.environments.updateSettings({
      project: "hooks",
      app: "web",
      environment: "production",
      autoDeploy: false,
    });
    const payload = branchPush();
    payload.after = "f".repeat(40);
    const deliveryId = randomUUID();
    await pipeline.deliver("push", payload, { deliveryId });
    await pipeline.processed(deliveryId);
    const [row] = await pipeline.api.database.db
      .select()
      .from(deployments)
      .where(eq(deployments.gitCommitSha, payload.after));
    expect(row).toMatchObject({ status: "skipped" });
    expect(row?.skipReason).toContain("Auto-deploy is off");
    await workspace.sdk.environments.updateSettings({
      project: "hooks",
      app: "web",
      environment: "production",
      autoDeploy: true,
    });
  });
});
