import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { dockerfile, startBuildPipeline } from "./build-harness.js";

let harness: Awaited<ReturnType<typeof startBuildPipeline>>;
const query = "project=shop&app=web&environment=preview";

beforeAll(async () => {
  harness = await startBuildPipeline();
});

/** `tar czf - .` of a directory holding these files, as a CLI would send it. */
function tarball(files: Record<string, string>): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "cli-source-"));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return execFileSync("tar", ["-czf", "-", "-C", dir, "."]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function upload(body: Buffer | string, contentType = "application/gzip", search = query) {
  return fetch(`${harness.pipeline.api.url}/v2/deployments.createDeploymentFromSource?${search}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${harness.workspace.rootKey}`,
      "content-type": contentType,
    },
    body: typeof body === "string" ? body : new Uint8Array(body),
  });
}

describe("deployments.createDeploymentFromSource (CLI deploys)", () => {
  it("builds an uploaded source tree like a commit", async () => {
    const response = await upload(
      tarball({
        Dockerfile: dockerfile("COPY hello.txt /hello.txt", "RUN cat /hello.txt"),
        "hello.txt": "uploaded-by-the-cli",
      }),
    );
    expect(response.status).toBe(201);
    const { data } = (await response.json()) as { data: { deploymentId: string } };
    const built = await harness.waitForDeployment(data.deploymentId, (row) =>
      ["deploying", "failed"].includes(row.status),
    );
    expect(built.errorMessage).toBeNull();
    expect(built).toMatchObject({ status: "deploying", trigger: "manual", gitCommitSha: null });
    expect(built.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    const logs = await harness.pipeline.api.post(
      "/v2/deployments.getDeploymentLogs",
      { deploymentId: built.id, limit: 1000 },
      harness.workspace.rootKey,
    );
    const text = ((await logs.json()) as { data: Array<{ message: string }> }).data
      .map((line) => line.message)
      .join("\n");
    expect(text).toContain("Building the uploaded source");
    expect(text).toContain("uploaded-by-the-cli");
  });

  it("refuses what is not a source tarball, with a clear error and no deployment", async () => {
    const cases: Array<[Response, number, RegExp]> = [
      [await upload(Buffer.alloc(0)), 400, /empty/],
      [await upload("just some text"), 400, /not a tar/],
      [await upload(JSON.stringify({ files: [] }), "application/json"), 415, /content-type/],
      [
        await upload(
          tarball({ a: "b" }),
          "application/gzip",
          "project=shop&app=web&environment=nope",
        ),
        404,
        /nope/,
      ],
      [
        await upload(tarball({ a: "b" }), "application/gzip", "project=shop&app=web"),
        400,
        /environment/,
      ],
    ];
    for (const [response, status, message] of cases) {
      const body = (await response.json()) as {
        meta: { requestId: string };
        error: { detail: string; errors?: Array<{ message: string; location: string }> };
      };
      expect(response.status).toBe(status);
      expect(`${body.error.detail} ${JSON.stringify(body.error.errors ?? [])}`).toMatch(message);
      expect(body.meta.requestId).toMatch(/^req_/);
    }
  });
});
