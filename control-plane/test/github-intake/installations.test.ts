import { randomUUID } from "node:crypto";
import * as errors from "@unkey/api/models/errors";
import { count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { deployments, githubInstallations } from "../../src/db/schema/index.js";
import type { TestWorkspace } from "../harness/api.js";
import {
  examplePayload,
  examplePush,
  exampleRepository,
  finishInstallInBrowser,
  type Payload,
  startInstallInBrowser,
  startTestPipelineWithApp,
  type TestPipeline,
} from "../harness/pipeline.js";

let pipeline: TestPipeline;
let owner: TestWorkspace;

beforeAll(async () => {
  ({ pipeline, workspace: owner } = await startTestPipelineWithApp("owner"));
});

function push(after: string, installationId: number): Payload {
  const payload = examplePush({ after });
  payload.installation = { id: installationId };
  return payload;
}

async function deliver(payload: Payload) {
  const deliveryId = randomUUID();
  expect((await pipeline.deliver("push", payload, { deliveryId })).status).toBe(202);
  await pipeline.processed(deliveryId);
}

const boundTo = async (installationId: string) =>
  (
    await pipeline.api.database.db
      .select()
      .from(githubInstallations)
      .where(eq(githubInstallations.installationId, installationId))
  )[0];

const deploymentsOf = async (workspaceId: string) =>
  (
    await pipeline.api.database.db
      .select({ n: count() })
      .from(deployments)
      .where(eq(deployments.workspaceId, workspaceId))
  )[0]!.n;

describe("GitHub App installations", () => {
  it("deliver a repository's pushes only to the workspace that installed the App", async () => {
    const squatter = await pipeline.api.newWorkspace("squatter");
    await squatter.sdk.projects.createProject({ name: "Squat", slug: "squat" });
    await squatter.sdk.apps.createApp({
      project: "squat",
      name: "Web",
      slug: "web",
      git: { repository: exampleRepository, defaultBranch: "master" },
    });
    await deliver(push("a".repeat(40), 1));
    expect(await deploymentsOf(owner.workspaceId)).toBe(1);
    expect(await deploymentsOf(squatter.workspaceId)).toBe(0);
  });

  it("returns an install link that sets this browser's cookie and goes on to GitHub", async () => {
    const { data } = await owner.sdk.github.installApp();
    expect(new URL(data.url).pathname).toBe("/github/install");
    expect(data.expiresAt).toBeGreaterThan(Date.now());
    const response = await fetch(data.url, { redirect: "manual" });
    expect(response.status).toBe(302);
    const github = new URL(response.headers.get("location")!);
    expect(github.pathname).toBe("/apps/slipway-test/installations/new");
    expect(github.searchParams.get("state")).toBeTruthy();
    expect(response.headers.get("set-cookie")).toMatch(
      /^slipway_github_install=[\w-]+; Path=\/github; Max-Age=\d+; HttpOnly; SameSite=Lax$/,
    );
  });

  it("refuses a tampered state, and a state finished in another browser, binding nothing", async () => {
    pipeline.github.addInstallation(54, "Codertocat");
    const { data } = await owner.sdk.github.installApp();
    const flow = await startInstallInBrowser(data.url);
    const code = () => pipeline.github.userAuth.authorize("Codertocat");
    let response = await finishInstallInBrowser(
      pipeline.api.url,
      { ...flow, state: `${flow.state.slice(0, -2)}xx` },
      { installationId: 54, code: code() },
    );
    expect(response.status).toBe(400);
    expect((await response.json()).error.errors[0].location).toBe("query.state");
    response = await finishInstallInBrowser(pipeline.api.url, flow, {
      installationId: 54,
      code: code(),
      cookie: null,
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.errors[0].location).toBe("cookie");
    expect(await boundTo("54")).toBeUndefined();
  });

  it("refuses an installation the person finishing the install cannot access, binding nothing", async () => {
    // Someone else's organisation: the attacker starts an install and names its installation id.
    pipeline.github.addInstallation(77, "acme");
    const attacker = await pipeline.api.newWorkspace("attacker");
    const response = await pipeline.linkInstallation(attacker, 77, "mallory");
    expect(response.status).toBe(403);
    expect((await response.json()).error.detail).toContain("cannot access installation 77");
    expect(await boundTo("77")).toBeUndefined();
    // A member of the organisation may bind it.
    pipeline.github.userAuth.share(77, "acme-admin");
    const member = await pipeline.api.newWorkspace("acme");
    expect((await pipeline.linkInstallation(member, 77, "acme-admin")).status).toBe(200);
    expect((await boundTo("77"))?.workspaceId).toBe(member.workspaceId);
  });

  it("uses an install link once: a replayed state is refused", async () => {
    pipeline.github.addInstallation(88, "Codertocat");
    const { data } = await owner.sdk.github.installApp();
    const flow = await startInstallInBrowser(data.url);
    const finish = () =>
      finishInstallInBrowser(pipeline.api.url, flow, {
        installationId: 88,
        code: pipeline.github.userAuth.authorize("Codertocat"),
      });
    expect((await finish()).status).toBe(200);
    const replayed = await finish();
    expect(replayed.status).toBe(400);
    expect((await replayed.json()).error.detail).toContain("used already");
  });

  it("keeps an installation with the workspace that bound it first", async () => {
    const other = await pipeline.api.newWorkspace("other");
    expect((await pipeline.linkInstallation(other, 55)).status).toBe(200);
    expect((await pipeline.linkInstallation(owner, 55)).status).toBe(409);
    expect((await boundTo("55"))?.workspaceId).toBe(other.workspaceId);
  });

  it("needs the install permission", async () => {
    const { addRootKey } = await import("../../src/services/workspaces.js");
    const { Unkey } = await import("@unkey/api");
    const { rootKey } = await addRootKey(pipeline.api.database.db, {
      workspaceId: owner.workspaceId,
      keyName: "ro",
      permissions: ["project.*.read_project"],
    });
    pipeline.api.secrets.add(rootKey);
    const sdk = new Unkey({ rootKey, serverURL: pipeline.api.url });
    await expect(sdk.github.installApp()).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
  });

  it("stops delivering once the App is uninstalled", async () => {
    const before = await deploymentsOf(owner.workspaceId);
    const uninstall = examplePayload("installation", (example) => example.action === "deleted");
    uninstall.installation.id = 1;
    const deliveryId = randomUUID();
    await pipeline.deliver("installation", uninstall, { deliveryId });
    await pipeline.processed(deliveryId);
    await deliver(push("b".repeat(40), 1));
    expect(await deploymentsOf(owner.workspaceId)).toBe(before);
  });
});
