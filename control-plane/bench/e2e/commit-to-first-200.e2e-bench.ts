import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { findFreePort } from "@slipway/shared/free-ports";
import { onHarnessTeardown } from "@slipway/shared/harness-teardown";
import { and, asc, desc, eq, like } from "drizzle-orm";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { deploymentLogs, deployments, domains } from "../../src/db/schema/index.js";
import { stableHostname } from "../../src/deployments/stable-hostname.js";
import { ensureLocalBaseImages } from "../../src/local/base-images.js";
import {
  type RealNodeTestCluster,
  startRealNodeCluster,
} from "../../test/harness/real-node-cluster.js";
import { type SentinelProcess, startSentinel } from "../../test/harness/sentinel-process.js";
import { startBuildPipeline } from "../../test/image-build/build-harness.js";
import { REPO_ROOT, slipwayBin } from "../../test/local/slipway-bin.js";
import { measureKubernetesPeer, type PeerMoments } from "./kubernetes-peer.js";
import { observeRollout } from "./observe-rollout.js";
import { type DeployMoments, formatStepTable, stepRows } from "./step-timeline.js";

/**
 * `npm run bench:e2e`: commit → first 200 through Sentinel on the testbed's real node, step by
 * step, for a push on a cold BuildKit (no build cache, the base image pulled from the
 * registry), a push of a changed commit on the warm cache, a push of an unchanged tree (every
 * step from cache) and `slipway deploy examples/hello`; then what Kubernetes alone costs for
 * the same image (`kubectl apply` of a plain Deployment, first 200 on the pod's IP). It prints
 * figures and asserts nothing about time (the deploys must succeed, that is all).
 */
const say = (line: string) => process.stdout.write(`[bench:e2e] ${line}\n`);
const refs = { project: "shop", app: "web", environment: "production" };
const DEPLOY_TIMEOUT_MS = 240_000;

let real: RealNodeTestCluster;
let harness: Awaited<ReturnType<typeof startBuildPipeline>>;
let sentinel: SentinelProcess;
let sentinelPort: number;
let stableHost: string;

const helloFiles = Object.fromEntries(
  ["Dockerfile", "package.json", "server.js", "record-build-secret.js"].map((name) => [
    name,
    readFileSync(`${REPO_ROOT}/examples/hello/${name}`, "utf8"),
  ]),
);

beforeAll(async () => {
  onHarnessTeardown(async () => {
    await sentinel?.stop();
    await real?.stop();
  });
  real = await startRealNodeCluster();
  await ensureLocalBaseImages(inject("registryHost"), say);
  sentinelPort = await findFreePort();
  harness = await startBuildPipeline({
    workerQueues: ["github", "builds", "deployments"],
    deploy: real.deployTarget,
    apiRedis: true,
    apiEnv: { SLIPWAY_APP_URL_SCHEME: "http", SLIPWAY_APP_URL_PORT: String(sentinelPort) },
  });
  const { api } = harness.pipeline;
  await harness.workspace.sdk.environments.setEnvironmentVariables({
    ...refs,
    variables: [
      { key: "HELLO_BUILD_SECRET", value: randomBytes(12).toString("hex"), kind: "writeonly" },
    ],
  });
  await api.database.db.update(domains).set({ status: "verified" });
  sentinel = await startSentinel({
    DATABASE_URL: api.database.url,
    REDIS_URL: api.config.REDIS_URL,
    SLIPWAY_QUEUE_PREFIX: api.config.SLIPWAY_QUEUE_PREFIX,
    KUBECONFIG: real.cluster.kubeconfig,
    SENTINEL_PORT: String(sentinelPort),
  });
  const listed = await harness.workspace.sdk.environments.listEnvironments(refs);
  stableHost = stableHostname({
    appSlug: "web",
    environmentSlug: "production",
    environmentId: listed.data.find((e) => e.slug === "production")!.id,
    previewDomain: real.deployTarget(api.config).previewDomain,
  });
}, 1_800_000);

/** The build step's moments and the builder's own cache figure, from the deployment's rows. */
async function buildMoments(deploymentId: string) {
  const step = await harness.buildStep(deploymentId);
  const lineAt = async (pattern: string) => {
    const [row] = await harness.db
      .select({ at: deploymentLogs.at, line: deploymentLogs.line })
      .from(deploymentLogs)
      .where(and(eq(deploymentLogs.deploymentId, deploymentId), like(deploymentLogs.line, pattern)))
      .orderBy(asc(deploymentLogs.seq))
      .limit(1);
    return row;
  };
  const exporting = await lineAt("▶ exporting%");
  const pushed = await lineAt("Pushed %");
  return {
    buildStarted: step?.startedAt.getTime(),
    exportStarted: exporting?.at.getTime(),
    pushed: step?.finishedAt?.getTime(),
    cache: pushed?.line.match(/\((\d+ of \d+ steps from cache)\)/)?.[1] ?? "?",
  };
}

/** Follows one deployment from its row to its first 200 on the stable host. */
async function followDeployment(started: number, deploymentId: string) {
  const outside = observeRollout({
    kube: real.kube,
    namespace: real.namespace,
    deploymentId,
    host: stableHost,
    askSentinel: (host) => sentinel.get(host, "/"),
    timeoutMs: DEPLOY_TIMEOUT_MS,
  });
  const row = await harness.waitForDeployment(
    deploymentId,
    (r) => ["ready", "failed", "cancelled", "superseded"].includes(r.status),
    DEPLOY_TIMEOUT_MS,
  );
  expect({ status: row.status, error: row.errorMessage }).toEqual({ status: "ready", error: null });
  const { cache, ...build } = await buildMoments(deploymentId);
  const moments: DeployMoments = {
    started,
    queued: row.createdAt.getTime(),
    ...build,
    ...(await outside),
  };
  return { moments, cache, image: row.image! };
}

async function benchPush(files: Record<string, string>) {
  const started = Date.now();
  const deployment = await harness.pushCommit(files);
  return followDeployment(started, deployment.id);
}

async function benchCliDeploy() {
  const slipway = slipwayBin({
    apiUrl: harness.pipeline.api.url,
    rootKey: harness.workspace.rootKey,
  });
  const [newest] = await harness.db
    .select({ id: deployments.id })
    .from(deployments)
    .orderBy(desc(deployments.id))
    .limit(1);
  const started = Date.now();
  // Plain progress lines (not a terminal, no --output=json): each step with its own time.
  const running = slipway(["deploy", "examples/hello", "-p", "shop", "-a", "web"]);
  let deploymentId: string | undefined;
  while (!deploymentId && Date.now() - started < DEPLOY_TIMEOUT_MS) {
    const [row] = await harness.db
      .select({ id: deployments.id })
      .from(deployments)
      .orderBy(desc(deployments.id))
      .limit(1);
    if (row && row.id !== newest?.id) deploymentId = row.id;
    else await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(deploymentId, "slipway deploy made no deployment").toBeDefined();
  const followed = await followDeployment(started, deploymentId!);
  const run = await running;
  expect(run.code, run.stderr).toBe(0);
  const exited = ((Date.now() - started) / 1000).toFixed(2);
  const upload = run.stderr.split("\n").filter((line) => /(Packing|Uploading) /.test(line));
  say(`slipway deploy's own steps: ${upload.join(" | ")}`);
  say(
    `slipway deploy printed ${run.stdout.trim().split("\n").join(" ")} (exited ${exited} s after start)`,
  );
  return followed;
}

function machineLoad(): string {
  const [one, five] = loadavg();
  return `load ${one!.toFixed(2)} / ${five!.toFixed(2)} (1 / 5 min) on ${cpus().length} cores`;
}

const peerSeconds = (peer: PeerMoments, at: number | undefined) =>
  at === undefined ? "?" : ((at - peer.started) / 1000).toFixed(2);

describe("commit → first 200 through Sentinel on the real node", () => {
  it("prints each step for cold, warm and CLI deploys, and Kubernetes alone for the same image", async () => {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO_ROOT })
      .toString()
      .trim();
    say(`commit ${commit}; stable host ${stableHost}; before: ${machineLoad()}`);
    const changed = (n: number) => ({
      ...helloFiles,
      "server.js": `${helloFiles["server.js"]}\n// bench commit ${n} ${randomBytes(4).toString("hex")}\n`,
    });
    const runs: {
      title: string;
      started: number;
      result: Awaited<ReturnType<typeof benchPush>>;
    }[] = [];
    const record = async (title: string, run: () => ReturnType<typeof benchPush>) => {
      const started = Date.now();
      const result = await run();
      runs.push({ title, started, result });
      say(
        `${title}: first 200 after ${((result.moments.first200! - result.moments.started) / 1000).toFixed(2)} s (${result.cache}); ${machineLoad()}`,
      );
    };
    await record("cold push", () => benchPush(helloFiles));
    await record("warm, changed 1", () => benchPush(changed(1)));
    const unchanged = changed(2);
    await record("warm, changed 2", () => benchPush(unchanged));
    await record("warm, same tree", () => benchPush(unchanged));
    await record("slipway deploy", () => benchCliDeploy());

    const peer = await measureKubernetesPeer({
      kube: real.kube,
      kubeconfig: real.cluster.kubeconfig,
      namespace: real.namespace,
      name: "bench-peer",
      image: runs.at(-1)!.result.image,
      timeoutMs: DEPLOY_TIMEOUT_MS,
    });

    const table = formatStepTable(
      runs.map((run) => ({
        title: run.title,
        rows: stepRows(
          run.result.moments,
          run.title === "slipway deploy" ? "start (pack+upload)" : "webhook",
        ),
      })),
    );
    say(`\n${table}`);
    say(`build cache: ${runs.map((run) => `${run.title}: ${run.result.cache}`).join("; ")}`);
    say(
      `peer, Kubernetes alone (same image, already on the node): kubectl apply ${peerSeconds(peer, peer.applied)} s, pod Ready ${peerSeconds(peer, peer.podReady)} s, first 200 on the pod IP ${peerSeconds(peer, peer.first200)} s`,
    );
    say(
      "reference: hosted platforms take 30–90 s from push to live; the issue's goal here is ≤ 15 s with a warm cache",
    );
    say(`after: ${machineLoad()}`);
    expect(peer.first200).toBeDefined();
  });
});
