import { randomUUID } from "node:crypto";
import * as errors from "@unkey/api/models/errors";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { deployments } from "../../src/db/schema/index.js";
import type { TestWorkspace } from "../harness/api.js";
import {
  examplePayload,
  exampleRepository,
  forkPullRequestPayload,
  type Payload,
  startTestPipelineWithApp,
  type TestPipeline,
} from "../harness/pipeline.js";

let pipeline: TestPipeline;
let workspace: TestWorkspace;
const repository = exampleRepository;

beforeAll(async () => {
  ({ pipeline, workspace } = await startTestPipelineWithApp("forks"));
  pipeline.github.setPermission(repository, "maintainer", "write");
});

const forkPullRequest = forkPullRequestPayload;

async function deliver(payload: Payload) {
  const deliveryId = randomUUID();
  expect((await pipeline.deliver("pull_request", payload, { deliveryId })).status).toBe(202);
  await pipeline.processed(deliveryId);
}

async function deploymentsOfPullRequest(number: number) {
  return await pipeline.api.database.db
    .select()
    .from(deployments)
    .where(and(eq(deployments.pullRequestNumber, number)));
}

describe("pull requests from forks", () => {
  it("waits for approval when the author cannot write, then proceeds once a member approves", async () => {
    await deliver(forkPullRequest({ number: 11, author: "stranger" }));
    const [waiting] = await deploymentsOfPullRequest(11);
    expect(waiting).toMatchObject({
      status: "awaiting_approval",
      forkRepository: "stranger/Hello-World",
      trigger: "pull_request",
    });
    expect(
      pipeline.github.calls.some(
        (call) => call.path === `/repos/${repository}/collaborators/stranger/permission`,
      ),
    ).toBe(true);
    const read = await workspace.sdk.deployments.getDeployment({ deploymentId: waiting!.id });
    expect(read.data.status).toBe("awaiting_approval");

    const approved = await pipeline.api.post(
      "/v2/deployments.approveDeployment",
      { deploymentId: waiting!.id },
      workspace.rootKey,
    );
    expect(approved.status).toBe(202);
    const [after] = await deploymentsOfPullRequest(11);
    expect(after).toMatchObject({
      status: "pending",
      approvedBy: expect.stringMatching(/^root_key:key_/),
    });

    const twice = await pipeline.api.post(
      "/v2/deployments.approveDeployment",
      { deploymentId: waiting!.id },
      workspace.rootKey,
    );
    expect(twice.status).toBe(412);
  });

  it("deploys at once when the fork's author has write access", async () => {
    await deliver(forkPullRequest({ number: 12, author: "maintainer" }));
    const [deployment] = await deploymentsOfPullRequest(12);
    expect(deployment?.status).toBe("pending");
  });

  it("does not deploy same-repository pull requests twice (their push deploys them)", async () => {
    const payload = examplePayload("pull_request", (example) => example.action === "opened");
    payload.pull_request.number = 13;
    await deliver(payload);
    expect(await deploymentsOfPullRequest(13)).toEqual([]);
  });

  it("cancels a waiting preview when its pull request closes", async () => {
    await deliver(forkPullRequest({ number: 14, author: "stranger" }));
    await deliver(forkPullRequest({ number: 14, author: "stranger", action: "closed" }));
    const rows = await deploymentsOfPullRequest(14);
    expect(rows.map((row) => row.status)).toEqual(["cancelled"]);
  });
});

describe("deployments.cancelDeployment", () => {
  it("cancels a queued deployment and refuses one that already finished", async () => {
    await deliver(forkPullRequest({ number: 21, author: "maintainer" }));
    const [queued] = await deploymentsOfPullRequest(21);
    const response = await pipeline.api.post(
      "/v2/deployments.cancelDeployment",
      { deploymentId: queued!.id },
      workspace.rootKey,
    );
    expect(response.status).toBe(202);
    expect(
      (await workspace.sdk.deployments.getDeployment({ deploymentId: queued!.id })).data.status,
    ).toBe("cancelled");

    const again = await pipeline.api.post(
      "/v2/deployments.cancelDeployment",
      { deploymentId: queued!.id },
      workspace.rootKey,
    );
    expect(again.status).toBe(412);
    expect((await again.json()).error.detail).toContain("cancelled");
  });

  it("is not reachable from another workspace", async () => {
    await deliver(forkPullRequest({ number: 22, author: "maintainer" }));
    const [queued] = await deploymentsOfPullRequest(22);
    const other = await pipeline.api.newWorkspace("other");
    const response = await pipeline.api.post(
      "/v2/deployments.cancelDeployment",
      { deploymentId: queued!.id },
      other.rootKey,
    );
    expect(response.status).toBe(404);
    await expect(
      other.sdk.deployments.getDeployment({ deploymentId: queued!.id }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    expect((await deploymentsOfPullRequest(22))[0]?.status).toBe("pending");
  });
});
