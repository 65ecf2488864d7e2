import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { deployments, sourceUploads } from "@slipway/control-plane/src/db/schema/index.js";
import {
  startTestApi,
  type TestApi,
  type TestWorkspace,
} from "@slipway/control-plane/test/harness/api.js";
import { eq } from "drizzle-orm";
import { extract } from "tar-stream";
import { beforeAll, describe, expect, it } from "vitest";
import { playWorker } from "./harness/play-worker.js";
import { makeConfigHome, runSlipway } from "./harness/run-cli.js";

let api: TestApi;
let workspace: TestWorkspace;
let env: Record<string, string>;
let worker: ReturnType<typeof playWorker>;

const target = (app: string, environment = "production") => [
  "-p",
  "deploys",
  "-a",
  app,
  "-e",
  environment,
];

async function newApp(slug: string) {
  return (await workspace.sdk.apps.createApp({ project: "deploys", name: slug, slug })).data.appId;
}

async function write(root: string, files: Record<string, string>) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** The entries of the tarball the API stored for a deployment, as `type path[ -> target]`. */
async function storedEntries(deploymentId: string): Promise<string[]> {
  const [deployment] = await api.database.db
    .select()
    .from(deployments)
    .where(eq(deployments.id, deploymentId));
  const [upload] = await api.database.db
    .select()
    .from(sourceUploads)
    .where(eq(sourceUploads.id, deployment!.sourceUploadId!));
  const entries: string[] = [];
  const unpack = extract();
  unpack.on("entry", (header, stream, next) => {
    entries.push(`${header.type} ${header.name}${header.linkname ? ` -> ${header.linkname}` : ""}`);
    stream.resume();
    stream.on("end", next);
  });
  await pipeline(Readable.from([upload!.content]), createGunzip(), unpack);
  return entries;
}

const uploadCount = async () =>
  (await api.database.db.select({ id: sourceUploads.id }).from(sourceUploads)).length;

beforeAll(async () => {
  // As `npm start` runs it: apps through Sentinel over http on a port of its own.
  api = await startTestApi({
    env: { SLIPWAY_APP_URL_SCHEME: "http", SLIPWAY_APP_URL_PORT: "8080" },
  });
  workspace = await api.newWorkspace("cli-deploy");
  env = {
    XDG_CONFIG_HOME: await makeConfigHome(),
    SLIPWAY_URL: api.url,
    SLIPWAY_ROOT_KEY: workspace.rootKey,
  };
  worker = playWorker(api.database.db);
  await workspace.sdk.projects.createProject({ name: "Deploys", slug: "deploys" });
});

describe("slipway deploy DIR uploads the tree without what is ignored", () => {
  it("honours .gitignore files at any depth, the root .dockerignore (anchored, as docker does) and never sends .git", async () => {
    await newApp("tree");
    const root = await mkdtemp(join(tmpdir(), "slipway-deploy-"));
    await write(root, {
      Dockerfile: "FROM node:20-slim\nCOPY . .\n",
      "server.js": "console.log('hi')\n",
      ".gitignore": "node_modules/\n*.log\n!keep.log\n.env\n",
      ".dockerignore": "docs\n*.md\n",
      ".env": "SECRET=1\n",
      "app.log": "noise\n",
      "keep.log": "kept\n",
      "README.md": "# root readme, dockerignored\n",
      "docs/guide.txt": "dockerignored\n",
      "src/NOTES.md": "a .dockerignore pattern without a slash matches at the root only\n",
      "src/app.js": "export {}\n",
      "src/debug.log": "ignored by the root .gitignore at any depth\n",
      "node_modules/left/index.js": "ignored\n",
      "sub/.gitignore": "generated/\n",
      "sub/generated/out.js": "ignored by sub/.gitignore\n",
      "sub/kept.js": "kept\n",
      ".git/HEAD": "ref: refs/heads/main\n",
    });
    await symlink("../server.js", join(root, "sub", "link.js"));

    const run = await runSlipway(
      ["deploy", root, ...target("tree"), "--no-wait", "--output=json"],
      { env },
    );
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    const { deploymentId, upload } = run.json<{
      deploymentId: string;
      upload: { files: number };
    }>();
    expect(await storedEntries(deploymentId)).toEqual([
      "file .dockerignore",
      "file .gitignore",
      "file Dockerfile",
      "file keep.log",
      "file server.js",
      "directory src",
      "file src/NOTES.md",
      "file src/app.js",
      "directory sub",
      "file sub/.gitignore",
      "file sub/kept.js",
      "symlink sub/link.js -> ../server.js",
    ]);
    expect(upload.files).toBe(9);
    const { data } = await workspace.sdk.deployments.getDeployment({ deploymentId });
    expect(data).toMatchObject({ status: "pending", app: "tree", environment: "production" });
  });

  it("refuses a symbolic link that leads out of the tree and uploads nothing", async () => {
    await newApp("escape");
    const before = await uploadCount();
    for (const linkTarget of ["../../../etc/passwd", "/etc/passwd"]) {
      const root = await mkdtemp(join(tmpdir(), "slipway-deploy-"));
      await write(root, { Dockerfile: "FROM node:20-slim\n" });
      await mkdir(join(root, "config"));
      await symlink(linkTarget, join(root, "config", "evil"));
      const run = await runSlipway(["deploy", root, ...target("escape"), "--no-wait"], { env });
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain(
        `config/evil is a symbolic link to ${linkTarget === "/etc/passwd" ? "the absolute path /etc/passwd" : linkTarget}`,
      );
    }
    expect(await uploadCount()).toBe(before);

    // The same link, ignored, is simply left out.
    const root = await mkdtemp(join(tmpdir(), "slipway-deploy-"));
    await write(root, { Dockerfile: "FROM node:20-slim\n", ".dockerignore": "config\n" });
    await mkdir(join(root, "config"));
    await symlink("/etc/passwd", join(root, "config", "evil"));
    const ignored = await runSlipway(
      ["deploy", root, ...target("escape"), "--no-wait", "-o", "json"],
      { env },
    );
    expect(ignored.exitCode).toBe(0);
    expect(await storedEntries(ignored.json<{ deploymentId: string }>().deploymentId)).toEqual([
      "file .dockerignore",
      "file Dockerfile",
    ]);
  });

  it("stops at --max-size with a clear error and uploads nothing", async () => {
    await newApp("big");
    const before = await uploadCount();
    const root = await mkdtemp(join(tmpdir(), "slipway-deploy-"));
    await write(root, { Dockerfile: "FROM node:20-slim\n" });
    await writeFile(join(root, "random.bin"), randomBytes(3 * 1024 * 1024));
    const run = await runSlipway(["deploy", root, ...target("big"), "--max-size", "1"], { env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("larger than 1.0 MiB compressed");
    expect(await uploadCount()).toBe(before);
  });

  it("deploys a directory named through a link, relative to the working directory", async () => {
    await newApp("linked");
    const parent = await mkdtemp(join(tmpdir(), "slipway-deploy-"));
    await write(parent, { "release-1/Dockerfile": "FROM node:20-slim\n" });
    await symlink("release-1", join(parent, "current"));
    const run = await runSlipway(
      ["deploy", "current", ...target("linked"), "--no-wait", "-o", "json"],
      { env, cwd: parent },
    );
    expect(run.exitCode).toBe(0);
    expect(await storedEntries(run.json<{ deploymentId: string }>().deploymentId)).toEqual([
      "file Dockerfile",
    ]);
  });

  it("says so when the directory does not exist", async () => {
    const run = await runSlipway(["deploy", "/nonexistent/dir", ...target("big")], { env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("/nonexistent/dir is not a directory");
  });
});

describe("slipway deploy follows the build and rollout", () => {
  const smallTree = async () => {
    const root = await mkdtemp(join(tmpdir(), "slipway-deploy-"));
    await write(root, { Dockerfile: "FROM node:20-slim\n", "server.js": "1\n" });
    return root;
  };

  it("prints the build log and exits 4 when the build fails", async () => {
    const appId = await newApp("broken");
    const running = runSlipway(
      ["deploy", await smallTree(), ...target("broken"), "--poll-interval", "20"],
      { env },
    );
    const deploymentId = await worker.waitForDeployment(appId);
    await worker.build(deploymentId, [
      "#1 [internal] load build definition",
      "#5 ERROR: npm ci exited 1",
    ]);
    await worker.failBuild(deploymentId, "npm ci exited 1");
    const run = await running;
    expect(run.exitCode).toBe(4);
    expect(run.stderr).toContain("#5 ERROR: npm ci exited 1");
    expect(run.stderr).toMatch(
      /Error: The build failed \(build_failed, step build\): npm ci exited 1 \(slipway logs dep_/,
    );

    const logs = await runSlipway(["logs", deploymentId], { env });
    expect(logs.exitCode).toBe(0);
    expect(logs.stdout).toBe("#1 [internal] load build definition\n#5 ERROR: npm ci exited 1\n");
    const followed = await runSlipway(["logs", deploymentId, "--follow", "-o", "json"], { env });
    expect(followed.exitCode).toBe(4);
    expect(
      followed.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line).message),
    ).toEqual(["#1 [internal] load build definition", "#5 ERROR: npm ci exited 1"]);
  });

  it("exits 5 when the rollout fails", async () => {
    const appId = await newApp("unschedulable");
    const running = runSlipway(
      [
        "deploy",
        await smallTree(),
        ...target("unschedulable"),
        "--poll-interval",
        "20",
        "-o",
        "json",
      ],
      { env },
    );
    const deploymentId = await worker.waitForDeployment(appId);
    await worker.build(deploymentId, ["built"]);
    await worker.finishBuild(deploymentId);
    await worker.failRollout(deploymentId, "no node in eu-1 has room");
    const run = await running;
    expect(run.exitCode).toBe(5);
    expect(run.json<{ error: { message: string; exitCode: number } }>().error).toMatchObject({
      exitCode: 5,
      message: expect.stringContaining(
        "The rollout failed (unknown, step deploy): no node in eu-1 has room",
      ),
    });
  });

  it("prints the URL once the deployment is ready, with steps and elapsed times on a terminal", async () => {
    const appId = await newApp("hello");
    const running = runSlipway(
      ["deploy", await smallTree(), ...target("hello", "preview"), "--poll-interval", "20"],
      { env, tty: true },
    );
    const deploymentId = await worker.waitForDeployment(appId);
    await worker.build(deploymentId, ["#3 DONE 0.4s"]);
    await worker.finishBuild(deploymentId);
    await worker.completeRollout(deploymentId, "preview.slipway.test");
    const run = await running;
    expect(run.exitCode).toBe(0);
    const urls = run.stdout.trim().split("\n");
    // With Sentinel's port: without it the URL would reach nothing.
    expect(urls).toContain(
      `http://hello-${deploymentId.replace(/^dep_/, "").toLowerCase()}.preview.slipway.test:8080`,
    );
    expect(run.stderr).toMatch(/✓ Packing .* \(\d+\.\ds\)/);
    expect(run.stderr).toMatch(/✓ Uploading 2 files, [\d.]+ (B|KiB) \(\d+\.\ds\)/);
  });

  it("prints the environment's stable hostname and the deployment's own; neither needs a domain or DNS", async () => {
    const appId = await newApp("homepage");
    const running = runSlipway(
      ["deploy", await smallTree(), ...target("homepage"), "--poll-interval", "20", "-o", "json"],
      { env },
    );
    const deploymentId = await worker.waitForDeployment(appId);
    await worker.build(deploymentId, ["built"]);
    await worker.finishBuild(deploymentId);
    await worker.completeRollout(deploymentId, "slipway.localhost");
    const run = await running;
    expect(run.exitCode).toBe(0);
    expect(run.json<{ urls: string[] }>().urls).toEqual([
      expect.stringMatching(/^http:\/\/homepage-production-[0-9a-f]{12}\.slipway\.localhost:8080$/),
      `http://homepage-${deploymentId.replace(/^dep_/, "").toLowerCase()}.slipway.localhost:8080`,
    ]);
  });

  it("deploys a prebuilt image with --image", async () => {
    await newApp("prebuilt");
    const run = await runSlipway(
      [
        "deploy",
        "--image",
        "registry.test/acme/web:1.2.3",
        ...target("prebuilt"),
        "--no-wait",
        "-o",
        "json",
      ],
      { env },
    );
    expect(run.exitCode).toBe(0);
    const { data } = await workspace.sdk.deployments.getDeployment({
      deploymentId: run.json<{ deploymentId: string }>().deploymentId,
    });
    expect(data.docker?.image).toBe("registry.test/acme/web:1.2.3");
    expect(data.status).toBe("deploying");
  });
});
