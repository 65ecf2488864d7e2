import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findFreePorts } from "@slipway/shared/free-ports";
import { startFakeGitHub } from "../../../control-plane/test/harness/fake-github.js";
import {
  type PlatformRun,
  startPlatform,
  summaryValue,
} from "../../../control-plane/test/local/platform-process.js";
import { holdRealNodeLock, readSettings, realNodeLockFile } from "../../../testbed/src/index.js";
import { apiCaller, runStackChild } from "../stack-child.js";
import type { PlatformInfo } from "./platform-info.js";

/**
 * The dashboard's deploy flows run on the one-machine platform itself: `npm start`'s entry point
 * (PostgreSQL, Redis, the testbed cluster with the real node, buildkitd, the operator, the API
 * with its workers and the dashboard, Sentinel) configured with a GitHub App whose GitHub is the
 * fake one, as a team would configure theirs. The app is connected the way a person connects
 * it: `github.installApp`'s link, GitHub's install page, the Setup URL. Prints one
 * `STACK {json}` line when ready; stops everything on SIGTERM.
 */
const repoRoot = new URL("../../../", import.meta.url).pathname;
const repository = "Codertocat/Hello-World";
const installationId = 4242;
const installer = "Codertocat";
const helloFiles = Object.fromEntries(
  ["Dockerfile", "package.json", "server.js", "record-build-secret.js"].map((name) => [
    name,
    readFileSync(join(repoRoot, "examples/hello", name), "utf8"),
  ]),
);

const stops: Array<() => Promise<unknown>> = [];
async function stopAll() {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
}
const progress = (line: string) => process.stdout.write(`[platform stack] ${line}\n`);

function stopPlatform(platform: PlatformRun) {
  return async () => {
    if (platform.child.exitCode === null) platform.child.kill("SIGINT");
    await platform.exited;
  };
}

async function main() {
  const lock = await holdRealNodeLock(realNodeLockFile(readSettings(process.env)));
  stops.push(() => lock.release());
  progress("holding the real-node lock");
  const dataDir = mkdtempSync(join(tmpdir(), "slipway-dashboard-platform-"));
  chmodSync(dataDir, 0o755);
  stops.push(async () => rmSync(dataDir, { recursive: true, force: true }));

  const github = await startFakeGitHub();
  stops.push(() => github.close());
  github.addInstallation(installationId, installer);
  const sha = () => randomBytes(20).toString("hex");
  const commits: PlatformInfo["commits"] = {
    hello: { sha: sha(), branch: "master", message: "Say hello from the real node" },
    slow: { sha: sha(), branch: "slow-build", message: "Warm a cache for ten minutes" },
    fork: { sha: sha(), branch: "patch-1", message: "Say hello from a fork" },
  };
  github.repositories.setCommit(repository, commits.hello.sha, helloFiles, {
    branch: commits.hello.branch,
    message: commits.hello.message,
    author: "octocat",
  });
  // A fork's commit lives in the fork: the build downloads it from there.
  github.repositories.setCommit("stranger/Hello-World", commits.fork.sha, helloFiles, {
    branch: commits.fork.branch,
    message: commits.fork.message,
    author: "stranger",
  });
  const slowDockerfile = helloFiles.Dockerfile!.replace(
    "WORKDIR /app",
    "WORKDIR /app\nRUN echo warming the cache && sleep 600",
  );
  github.repositories.setCommit(
    repository,
    commits.slow.sha,
    { ...helloFiles, Dockerfile: slowDockerfile },
    { branch: commits.slow.branch, message: commits.slow.message, author: "hubot" },
  );

  // A KUBECONFIG (another suite's global setup sets one) would make npm start use that cluster.
  delete process.env.KUBECONFIG;
  const webhookSecret = randomBytes(16).toString("hex");
  const [apiPort, sentinelPort] = (await findFreePorts(2)) as [number, number];
  const platform = startPlatform({
    SLIPWAY_DATA_DIR: dataDir,
    PORT: String(apiPort),
    SENTINEL_PORT: String(sentinelPort),
    LOG_LEVEL: process.env.DASHBOARD_API_LOG_LEVEL ?? "warn",
    GITHUB_APP_ID: github.appId,
    GITHUB_PRIVATE_KEY: github.privateKey,
    GITHUB_API_URL: github.url,
    GITHUB_WEB_URL: github.url,
    GITHUB_APP_SLUG: "slipway-platform-test",
    GITHUB_WEBHOOK_SECRET: webhookSecret,
    GITHUB_CLIENT_ID: github.userAuth.clientId,
    GITHUB_CLIENT_SECRET: github.userAuth.clientSecret,
  });
  stops.push(stopPlatform(platform));
  const summary = await platform.ready;
  const apiUrl = summaryValue(summary, "API:");
  const rootKey = summaryValue(summary, "Root key:");
  progress(`npm start is ready at ${apiUrl}`);

  const call = apiCaller(apiUrl, rootKey);
  const project = "hello";
  const app = "hello";
  await call("projects.createProject", { name: "Hello", slug: project });
  await call("apps.createApp", {
    project,
    name: "Hello",
    slug: app,
    git: { repository, defaultBranch: commits.hello.branch },
  });
  await linkInstallation(apiUrl, await call<{ url: string }>("github.installApp", null), () =>
    github.userAuth.authorize(installer),
  );

  const info: PlatformInfo = {
    apiUrl,
    rootKey,
    sentinelPort,
    webhookSecret,
    project,
    app,
    repository,
    commits,
  };
  process.stdout.write(`STACK ${JSON.stringify(info)}\n`);
}

/** A browser following the install link, GitHub's page, then GitHub's redirect to the Setup URL. */
async function linkInstallation(apiUrl: string, link: { url: string }, authorize: () => string) {
  const started = await fetch(link.url, { redirect: "manual" });
  const cookie = (started.headers.get("set-cookie") ?? "").split(";")[0]!;
  const state = new URL(started.headers.get("location") ?? "http://x/").searchParams.get("state");
  if (started.status !== 302 || !state) throw new Error(`install link answered ${started.status}`);
  const query = new URLSearchParams({
    installation_id: String(installationId),
    state,
    setup_action: "install",
    code: authorize(),
  });
  const setup = await fetch(`${apiUrl}/github/setup?${query}`, { headers: { cookie } });
  if (setup.status !== 200) {
    throw new Error(`the Setup URL answered ${setup.status}: ${await setup.text()}`);
  }
}

runStackChild("platform stack", main, stopAll);
