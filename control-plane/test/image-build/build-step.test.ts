import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { deployments } from "../../src/db/schema/index.js";
import { exampleRepository, forkPullRequestPayload } from "../harness/pipeline.js";
import { dockerfile, startBuildPipeline } from "./build-harness.js";

let harness: Awaited<ReturnType<typeof startBuildPipeline>>;
const production = { project: "shop", app: "web", environment: "production" };
const secretValue = `tok_${"s3cr3t".repeat(4)}_${Date.now()}`;

beforeAll(async () => {
  harness = await startBuildPipeline();
  harness.pipeline.api.secrets.add(secretValue);
  await harness.workspace.sdk.environments.setEnvironmentVariables({
    ...production,
    variables: [{ key: "API_TOKEN", value: secretValue, kind: "writeonly" }],
  });
});

afterAll(() => {
  for (const request of harness.pipeline.github.repositories.tarballRequests) {
    if (request.authorization) harness.pipeline.api.secrets.add(request.authorization.slice(6));
  }
});

/** Every line of a deployment's log, read through the API page by page as a client would. */
async function logOf(deploymentId: string) {
  const lines: Array<{ seq: number; step: string; stream: string; message: string }> = [];
  let cursor: string | undefined;
  for (;;) {
    const response = await harness.pipeline.api.post(
      "/v2/deployments.getDeploymentLogs",
      { deploymentId, limit: 5, ...(cursor ? { cursor } : {}) },
      harness.workspace.rootKey,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      data: typeof lines;
      pagination: { cursor?: string; hasMore: boolean };
    };
    lines.push(...body.data);
    cursor = body.pagination.cursor;
    if (!body.pagination.hasMore) return lines;
  }
}

const registry = () => `http://${inject("registryHost")}`;

function manifestPath(imageRef: string, reference: string) {
  const [repository] = imageRef.split("@");
  const name = repository!.slice(repository!.indexOf("/") + 1);
  return `${registry()}/v2/${name}/manifests/${reference}`;
}

describe("the build step", () => {
  it("builds the pushed commit with env vars as secrets, pushes it and hands it to the deploy step", async () => {
    const deployment = await harness.pushCommit({
      Dockerfile: dockerfile(
        "COPY message.txt /message.txt",
        // The value reaches the RUN step (the check fails the build otherwise) and is printed,
        // so the log must mask it.
        "RUN --mount=type=secret,id=API_TOKEN test -s /run/secrets/API_TOKEN && echo token=$(cat /run/secrets/API_TOKEN)",
        "RUN --mount=type=secret,id=slipway.env grep -c API_TOKEN= /run/secrets/slipway.env",
      ),
      "message.txt": "hello from the commit\n",
    });
    const built = await harness.waitForDeployment(deployment.id, (row) =>
      ["deploying", "failed"].includes(row.status),
    );
    expect(built.errorMessage).toBeNull();
    expect(built.status).toBe("deploying");
    expect(built.image).toMatch(
      new RegExp(
        `^${inject("registryHost")}/slipway/${built.workspaceId.toLowerCase()}/shop-web@sha256:[0-9a-f]{64}$`,
      ),
    );

    // The image really is in the registry, under its digest and the deployment's tag.
    const digest = built.image!.split("@")[1]!;
    const accept = {
      accept:
        "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.index.v1+json",
    };
    expect((await fetch(manifestPath(built.image!, digest), { headers: accept })).status).toBe(200);
    const tagged = await fetch(manifestPath(built.image!, built.id.toLowerCase()), {
      headers: accept,
    });
    expect(tagged.headers.get("docker-content-digest")).toBe(digest);

    // The source was fetched with a token of its own, for this repository only.
    const tokenRequest = harness.pipeline.github.calls.find(
      (call) =>
        call.method === "POST" &&
        call.path.endsWith("/access_tokens") &&
        JSON.stringify(call.body ?? {}).includes("repositories"),
    );
    expect(tokenRequest?.body).toEqual({
      repositories: ["Hello-World"],
      permissions: { contents: "read" },
    });
    expect(harness.pipeline.github.repositories.tarballRequests.at(-1)?.ref).toBe(
      deployment.gitCommitSha,
    );

    const step = await harness.buildStep(deployment.id);
    expect(step?.status).toBe("succeeded");
    expect(step?.finishedAt).not.toBeNull();

    // The log, read through the API in pages of five: ordered, complete, the value masked.
    const log = await logOf(deployment.id);
    expect(log.map((line) => line.seq)).toEqual(log.map((_, index) => index + 1));
    const text = log.map((line) => line.message).join("\n");
    expect(text).toContain(
      `Building ${deployment.gitRepository}@${deployment.gitCommitSha!.slice(0, 12)}`,
    );
    // Masked by the builder (BuildKit's `***`) or by Slipway's own redaction: never in clear.
    expect(text).toMatch(/token=(\*\*\*|\[redacted\])/);
    expect(text).toMatch(/Pushed .*@sha256:/);
    expect(text).not.toContain(secretValue);

    // The page GitHub links to: the same log as text, only with the deployment's own token.
    const page = (token: string) =>
      fetch(`${harness.pipeline.api.url}/deployments/${deployment.id}/logs?token=${token}`);
    const shown = await page(built.logToken);
    expect(shown.status).toBe(200);
    expect(shown.headers.get("content-type")).toContain("text/plain");
    const pageText = await shown.text();
    expect(pageText).toContain("[build] Building");
    expect(pageText).not.toContain(secretValue);
    for (const wrong of ["", "0".repeat(32), `${built.logToken}x`]) {
      expect((await page(wrong)).status).toBe(404);
    }
    expect(
      JSON.stringify(
        await harness.workspace.sdk.deployments.getDeployment({ deploymentId: deployment.id }),
      ),
    ).not.toContain(secretValue);
  });

  it("fails the deployment with a readable message when a RUN step exits non-zero", async () => {
    const deployment = await harness.pushCommit({
      Dockerfile: dockerfile("RUN echo compiling && echo 'error: missing semicolon' >&2 && exit 3"),
    });
    const failed = await harness.waitForDeployment(deployment.id, (row) =>
      ["deploying", "failed"].includes(row.status),
    );
    expect(failed.status).toBe("failed");
    const { data } = await harness.workspace.sdk.deployments.getDeployment({
      deploymentId: deployment.id,
    });
    expect(data.error?.code).toBe("build_failed");
    expect(data.error?.step).toBe("build");
    expect(data.error?.message).toMatch(/exit(ed)? (code )?.*3/i);
    expect(data.error?.message).toContain("error: missing semicolon");
    expect((await harness.buildStep(deployment.id))?.status).toBe("failed");
    const log = await logOf(deployment.id);
    expect(log.some((line) => line.message.includes("error: missing semicolon"))).toBe(true);

    // GitHub shows the same readable failure on the commit's check run.
    const checkRun = () =>
      [...harness.pipeline.github.checkRuns.values()].find(
        (run) => run.head_sha === deployment.gitCommitSha,
      );
    await expect.poll(() => checkRun()?.conclusion, { timeout: 15_000 }).toBe("failure");
    expect(checkRun()?.output?.summary).toContain("error: missing semicolon");
  });

  it("cancels a running build for real: buildctl is gone, nothing is pushed, the deployment is cancelled", async () => {
    const deployment = await harness.pushCommit({
      Dockerfile: dockerfile("RUN echo started-long-step && sleep 60", "RUN echo never"),
    });
    // Wait until the long RUN step is really executing.
    const deadline = Date.now() + 60_000;
    while (
      !(await logOf(deployment.id)).some((line) => line.message.includes("started-long-step"))
    ) {
      if (Date.now() > deadline) throw new Error("the long step never started");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const tag = deployment.id.toLowerCase();
    expect(buildctlProcessesFor(tag)).not.toEqual([]);
    // GitHub shows the build in progress while it runs, not only once it ended.
    await expect
      .poll(
        () =>
          [...harness.pipeline.github.checkRuns.values()].find(
            (run) => run.head_sha === deployment.gitCommitSha,
          )?.status,
        { timeout: 15_000 },
      )
      .toBe("in_progress");

    const cancelledAt = Date.now();
    const response = await harness.pipeline.api.post(
      "/v2/deployments.cancelDeployment",
      { deploymentId: deployment.id },
      harness.workspace.rootKey,
    );
    expect(response.status).toBe(202);
    let step = await harness.buildStep(deployment.id);
    while (step?.status === "running") {
      await new Promise((resolve) => setTimeout(resolve, 25));
      step = await harness.buildStep(deployment.id);
    }
    console.log(`build stopped ${Date.now() - cancelledAt} ms after the cancel request`);
    expect(step?.status).toBe("cancelled");
    expect(buildctlProcessesFor(tag)).toEqual([]);
    const row = await harness.deploymentRow(deployment.id);
    expect(row.status).toBe("cancelled");
    expect(row.image).toBeNull();
    const { data } = await harness.workspace.sdk.deployments.getDeployment({
      deploymentId: deployment.id,
    });
    expect(data.status).toBe("cancelled");
    const log = await logOf(deployment.id);
    expect(log.at(-1)?.message).toContain("cancelled");
    expect(log.some((line) => line.message.includes("never"))).toBe(false);
  });

  it("stops a fork's preview build when its pull request is closed", async () => {
    const author = "contributor";
    const sha = "c3".repeat(20);
    harness.pipeline.github.setPermission(exampleRepository, author, "write");
    harness.pipeline.github.repositories.setCommit(`${author}/Hello-World`, sha, {
      Dockerfile: dockerfile("RUN echo fork-build-running && sleep 60"),
    });
    const opened = forkPullRequestPayload({ number: 90, author, sha });
    const deliveryId = randomUUID();
    await harness.pipeline.deliver("pull_request", opened, { deliveryId });
    await harness.pipeline.processed(deliveryId);
    const [row] = await harness.db
      .select()
      .from(deployments)
      .where(eq(deployments.gitCommitSha, sha));
    const deadline = Date.now() + 60_000;
    while (!(await logOf(row!.id)).some((line) => line.message.includes("fork-build-running"))) {
      if (Date.now() > deadline) throw new Error("the fork's build never started");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const closedId = randomUUID();
    await harness.pipeline.deliver(
      "pull_request",
      forkPullRequestPayload({ number: 90, author, sha, action: "closed" }),
      { deliveryId: closedId },
    );
    await harness.pipeline.processed(closedId);
    const cancelled = await harness.waitForDeployment(row!.id, (r) => r.status === "cancelled");
    expect(cancelled.image).toBeNull();
    let step = await harness.buildStep(row!.id);
    while (step?.status === "running") {
      await new Promise((resolve) => setTimeout(resolve, 50));
      step = await harness.buildStep(row!.id);
    }
    expect(step?.status).toBe("cancelled");
    expect(buildctlProcessesFor(row!.id.toLowerCase())).toEqual([]);
  });
});

function buildctlProcessesFor(tag: string): string[] {
  const out = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return out.split("\n").filter((line) => line.includes("buildctl") && line.includes(tag));
}
