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
  type Payload,
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

  it("returns an install link through the SDK and refuses a tampered or foreign state", async () => {
    const { data } = await owner.sdk.github.installApp();
    const link = new URL(data.url);
    expect(link.pathname).toBe("/apps/slipway-test/installations/new");
    expect(data.expiresAt).toBeGreaterThan(Date.now());
    const state = link.searchParams.get("state")!;
    pipeline.github.addInstallation(55, "acme");

    const tampered = `${state.slice(0, -2)}xx`;
    let response = await fetch(
      `${pipeline.api.url}/github/setup?installation_id=55&state=${tampered}`,
    );
    expect(response.status).toBe(400);
    expect((await response.json()).error.errors[0].location).toBe("query.state");
    response = await fetch(`${pipeline.api.url}/github/setup?installation_id=56&state=${state}`);
    expect(response.status).toBe(404);

    const other = await pipeline.api.newWorkspace("other");
    expect((await pipeline.linkInstallation(other, 55)).status).toBe(200);
    const stolen = await fetch(
      `${pipeline.api.url}/github/setup?installation_id=55&state=${state}`,
    );
    expect(stolen.status).toBe(409);
    const [row] = await pipeline.api.database.db
      .select()
      .from(githubInstallations)
      .where(eq(githubInstallations.installationId, "55"));
    expect(row?.workspaceId).toBe(other.workspaceId);
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
