import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { deploymentSteps, sourceUploads } from "../../src/db/schema/index.js";
import { eventually } from "../harness/deploy-fixtures.js";
import { startTestPipelineWithApp } from "../harness/pipeline.js";
import { dockerfile, startBuildPipeline } from "./build-harness.js";

let harness: Awaited<ReturnType<typeof startBuildPipeline>>;
const query = "project=shop&app=web&environment=preview";

beforeAll(async () => {
  harness = await startBuildPipeline();
});

/** `tar czf - .` (or `tar cf`) of a directory holding these files, as a CLI would send it. */
function tarball(
  files: Record<string, string>,
  options: { gzip?: boolean; fifo?: string } = {},
): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "cli-source-"));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    if (options.fifo) execFileSync("mkfifo", [join(dir, options.fifo)]);
    return execFileSync("tar", [options.gzip === false ? "-cf" : "-czf", "-", "-C", dir, "."]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function upload(
  body: Buffer | string,
  contentType = "application/gzip",
  search = query,
  target: { url: string; rootKey: string } = {
    url: harness.pipeline.api.url,
    rootKey: harness.workspace.rootKey,
  },
) {
  return fetch(`${target.url}/v2/deployments.createDeploymentFromSource?${search}`, {
    method: "POST",
    headers: { authorization: `Bearer ${target.rootKey}`, "content-type": contentType },
    body: typeof body === "string" ? body : new Uint8Array(body),
  });
}

async function logText(deploymentId: string): Promise<string> {
  const logs = await harness.pipeline.api.post(
    "/v2/deployments.getDeploymentLogs",
    { deploymentId, limit: 1000 },
    harness.workspace.rootKey,
  );
  return ((await logs.json()) as { data: Array<{ message: string }> }).data
    .map((line) => line.message)
    .join("\n");
}

async function storedUpload(uploadId: string | null) {
  const rows = await harness.db
    .select({ id: sourceUploads.id })
    .from(sourceUploads)
    .where(eq(sourceUploads.id, uploadId ?? ""));
  return rows[0];
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
    // Built: the upload is not kept (deleted as the build job ends, just after the hand-off).
    expect(built.sourceUploadId).toBeTruthy();
    await eventually("the built upload to be deleted", async () =>
      (await storedUpload(built.sourceUploadId)) ? undefined : true,
    );
  });

  it("builds a plain .tar upload too (exactly the formats that build are accepted)", async () => {
    const response = await upload(
      tarball(
        { Dockerfile: dockerfile("COPY hello.txt /hello.txt"), "hello.txt": "plain" },
        { gzip: false },
      ),
      "application/x-tar",
    );
    expect(response.status).toBe(201);
    const { data } = (await response.json()) as { data: { deploymentId: string } };
    const built = await harness.waitForDeployment(data.deploymentId, (row) =>
      ["deploying", "failed"].includes(row.status),
    );
    expect(built.errorMessage).toBeNull();
    expect(built.status).toBe("deploying");
  });

  it("a hostile upload (a FIFO in the archive) fails its build once, saying why, and is deleted", async () => {
    const response = await upload(tarball({ Dockerfile: dockerfile() }, { fifo: "pipe" }));
    expect(response.status).toBe(201);
    const { data } = (await response.json()) as { data: { deploymentId: string } };
    const failed = await harness.waitForDeployment(data.deploymentId, (row) =>
      ["deploying", "failed"].includes(row.status),
    );
    expect(failed).toMatchObject({ status: "failed", errorCode: "build_failed" });
    expect(failed.errorMessage).toMatch(
      /"pipe", a fifo: only files, folders and symbolic links are allowed/,
    );
    expect(await logText(failed.id)).not.toContain("trying again");
    const steps = await harness.db
      .select()
      .from(deploymentSteps)
      .where(eq(deploymentSteps.deploymentId, failed.id));
    expect(steps.filter((step) => step.name === "build")).toHaveLength(1);
    await eventually("the failed upload to be deleted", async () =>
      (await storedUpload(failed.sourceUploadId)) ? undefined : true,
    );
  });

  it("refuses what is not a source tarball, with a clear error and no deployment", async () => {
    const cases: Array<[Response, number, RegExp]> = [
      [await upload(Buffer.alloc(0)), 400, /empty/],
      [await upload("just some text"), 400, /not a tar/],
      // gzip, but of something that is not a tar archive: it could never build.
      [await upload(gzipSync(Buffer.from("just some text"))), 400, /not a tar archive/],
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

describe("uploads are stored within a per-workspace quota, only until built", () => {
  it("an upload over the quota of stored uploads is 413; a cancelled deployment's upload frees its room", async () => {
    const small = tarball({
      Dockerfile: dockerfile(),
      "pad.txt": randomBytes(1500).toString("hex"),
    });
    // Room for two of these; builds are not worked here, so uploads stay queued and stored.
    const { pipeline, workspace } = await startTestPipelineWithApp("shop", {
      workerQueues: ["github"],
      apiEnv: { SLIPWAY_SOURCE_UPLOAD_QUOTA: String(small.length * 2 + 10) },
    });
    const target = { url: pipeline.api.url, rootKey: workspace.rootKey };
    const first = await upload(small, "application/gzip", query, target);
    const second = await upload(small, "application/gzip", query, target);
    expect([first.status, second.status]).toEqual([201, 201]);

    const refused = await upload(small, "application/gzip", query, target);
    const body = (await refused.json()) as {
      meta: { requestId: string };
      error: { detail: string; status: number };
    };
    expect(refused.status).toBe(413);
    expect(body.error.status).toBe(413);
    expect(body.error.detail).toMatch(/exceed its quota of [\d.]+ KiB\. Wait for queued builds/);
    expect(body.meta.requestId).toMatch(/^req_/);
    const stored = await pipeline.api.database.db.select().from(sourceUploads);
    expect(stored).toHaveLength(2);

    const { data } = (await first.json()) as { data: { deploymentId: string } };
    const cancelled = await pipeline.api.post(
      "/v2/deployments.cancelDeployment",
      { deploymentId: data.deploymentId },
      workspace.rootKey,
    );
    expect(cancelled.status).toBe(202);
    expect((await upload(small, "application/gzip", query, target)).status).toBe(201);
    expect(await pipeline.api.database.db.select().from(sourceUploads)).toHaveLength(2);
  });
});
