import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { maintainRequestLogPartitions } from "@slipway/request-logs";
import { deploymentCrPath, type SlipwayDeployment } from "@slipway/shared";
import { findFreePort } from "@slipway/shared/free-ports";
import { onHarnessTeardown } from "@slipway/shared/harness-teardown";
import { eq } from "drizzle-orm";
import { Redis } from "ioredis";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { domains, environments } from "../../src/db/schema/index.js";
import { crNameOf } from "../../src/deploy/object-names.js";
import { ensureLocalBaseImages } from "../../src/local/base-images.js";
import { runPreviewIdlePass } from "../../src/services/preview-idler.js";
import { type RealNodeTestCluster, startRealNodeCluster } from "../harness/real-node-cluster.js";
import { type SentinelProcess, startSentinel } from "../harness/sentinel-process.js";
import { startBuildPipeline } from "../image-build/build-harness.js";
import { REPO_ROOT, slipwayBin } from "../local/slipway-bin.js";

/**
 * Issue 15's end-to-end test: a signed push of `examples/hello` (FROM node:20-slim, a build
 * secret through RUN --mount=type=secret) becomes an image built by BuildKit, a CR the operator
 * rolls out into a real container on the testbed's real node, and a 200 through a real Sentinel
 * process on the production host, the app showing the values it was given; then the `slipway`
 * CLI deploys the same directory and the URL it prints answers.
 */
const log = (line: string) => console.log(`[real-node e2e] ${line}`);
const host = "shop.example.com";
const refs = { project: "shop", app: "web", environment: "production" };
const secretValue = `sk_live_${randomBytes(12).toString("hex")}`;
/** Sentinel asks the control plane to wake idle deployments with it. */
const sentinelToken = randomBytes(24).toString("hex");

let real: RealNodeTestCluster;
let harness: Awaited<ReturnType<typeof startBuildPipeline>>;
let sentinel: SentinelProcess;
let sentinelPort: number;

/** examples/hello as the repository's tree at each pushed commit. */
const helloFiles = Object.fromEntries(
  ["Dockerfile", "package.json", "server.js", "record-build-secret.js"].map((name) => [
    name,
    readFileSync(`${REPO_ROOT}/examples/hello/${name}`, "utf8"),
  ]),
);

/** What examples/hello answers every request with. */
interface HelloAnswer {
  path: string;
  unkey: Record<string, string>;
  build: { buildSecretPresent: boolean; buildSecretSha256: string | null };
}
const parseHello = (body: string) => JSON.parse(body) as HelloAnswer;
/** The deployment that answered, or undefined for an answer that is not the app's. */
function answeredBy(response: { status: number; body: string }): string | undefined {
  if (response.status !== 200) return undefined;
  return parseHello(response.body).unkey.UNKEY_DEPLOYMENT_ID;
}

interface Pod {
  metadata: { name: string };
  spec: { nodeName?: string };
  status: { phase?: string; podIP?: string };
}

const finished = ["ready", "failed", "cancelled", "superseded"];

/** The deployment once finished; a failed one's assertion names the namespace's events. */
async function finishedDeployment(id: string) {
  const row = await harness.waitForDeployment(id, (r) => finished.includes(r.status), 150_000);
  if (row.status !== "ready") {
    const events = await real.kube.get<{ items: { reason: string; message: string }[] }>(
      `/api/v1/namespaces/${real.namespace}/events`,
    );
    const told = events.items.map((event) => `${event.reason}: ${event.message}`).join("\n");
    expect.fail(`deployment ${id} ${row.status}: ${row.errorMessage}\nevents:\n${told}`);
  }
  return row;
}
const seconds = (from: number) => ((Date.now() - from) / 1000).toFixed(1);

beforeAll(async () => {
  // First registered, so it runs after every closer the harnesses below register (last
  // first): they still reach the cluster, which this then stops.
  onHarnessTeardown(async () => {
    await sentinel?.stop();
    await real?.stop();
  });
  real = await startRealNodeCluster();
  // FROM node:20-slim: buildkitd reads docker.io names from the run's registry (its mirror).
  await ensureLocalBaseImages(inject("registryHost"), log);
  sentinelPort = await findFreePort();
  harness = await startBuildPipeline({
    workerQueues: ["github", "builds", "deployments"],
    deploy: real.deployTarget,
    apiRedis: true,
    apiEnv: {
      SLIPWAY_SENTINEL_TOKEN: sentinelToken,
      // As `npm start`: the URLs a deployment lists reach this Sentinel.
      SLIPWAY_APP_URL_SCHEME: "http",
      SLIPWAY_APP_URL_PORT: String(sentinelPort),
    },
  });
  const { api } = harness.pipeline;
  api.secrets.add(secretValue);
  api.secrets.add(sentinelToken);
  for (const environment of ["production", "preview"]) {
    await harness.workspace.sdk.environments.setEnvironmentVariables({
      ...refs,
      environment,
      variables: [{ key: "HELLO_BUILD_SECRET", value: secretValue, kind: "writeonly" }],
    });
  }
  await harness.workspace.sdk.domains.createDomain({ ...refs, domain: host });
  // Verification needs DNS (covered by the domain tests); what Sentinel routes is the verified row.
  await api.database.db.update(domains).set({ status: "verified" }).where(eq(domains.domain, host));
  // The worker process's background task in production (start-background.ts).
  await maintainRequestLogPartitions(api.database.pool, Date.now(), {
    retentionDays: 7,
    daysAhead: 3,
  });
  sentinel = await startSentinel({
    DATABASE_URL: api.database.url,
    REDIS_URL: api.config.REDIS_URL,
    SLIPWAY_QUEUE_PREFIX: api.config.SLIPWAY_QUEUE_PREFIX,
    KUBECONFIG: real.cluster.kubeconfig,
    SENTINEL_CONTROL_PLANE_URL: api.url,
    SENTINEL_CONTROL_PLANE_TOKEN: sentinelToken,
    SENTINEL_PORT: String(sentinelPort),
  });
}, 1_800_000);

/** The first push's deployment, served by the first test. */
let deploymentId = "";

describe("git push → a real container → 200 through Sentinel", () => {
  it("serves a production push on the real node with the values it was given", async () => {
    const pushed = Date.now();
    const deployment = await harness.pushCommit(helloFiles);
    const done = await finishedDeployment(deployment.id);
    const build = await harness.buildStep(done.id);
    const buildSeconds = build?.finishedAt
      ? ((build.finishedAt.getTime() - build.startedAt.getTime()) / 1000).toFixed(1)
      : "?";
    log(`push → deployment ${done.status}: ${seconds(pushed)} s (build step ${buildSeconds} s)`);
    expect(done.errorMessage).toBeNull();
    expect(done.status).toBe("ready");
    deploymentId = done.id;

    const cr = await real.kube.get<SlipwayDeployment & { status?: { conditions?: unknown[] } }>(
      deploymentCrPath(real.namespace, crNameOf(done.id)),
    );
    expect(cr.spec.image).toBe(done.image);
    expect(cr.status?.conditions).toContainEqual(
      expect.objectContaining({ type: "Ready", status: "True" }),
    );

    const pods = await real.kube.get<{ items: Pod[] }>(
      `/api/v1/namespaces/${real.namespace}/pods?labelSelector=${encodeURIComponent(`slipway.dev/deployment=${crNameOf(done.id)}`)}`,
    );
    expect(pods.items).toHaveLength(1);
    const pod = pods.items[0]!;
    expect(pod.spec.nodeName).toBe(real.node.nodeName);
    expect(pod.status.phase).toBe("Running");
    expect(pod.status.podIP).toMatch(/^10\.245\.0\.\d+$/);

    let response = await sentinel.get(host, "/env");
    for (let i = 0; response.status !== 200 && i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      response = await sentinel.get(host, "/env");
    }
    log(`push → first 200 through Sentinel: ${seconds(pushed)} s`);
    expect(response.status).toBe(200);
    const answer = parseHello(response.body);
    expect(answer.unkey).toMatchObject({
      UNKEY_DEPLOYMENT_ID: done.id,
      UNKEY_REGION: "eu-1",
      UNKEY_INSTANCE_ID: pod.metadata.name,
      UNKEY_GIT_COMMIT_SHA: done.gitCommitSha,
      UNKEY_ENVIRONMENT_SLUG: "production",
    });
    // The build read the secret (its hash is in the image); the value itself is not there.
    expect(answer.build).toMatchObject({
      buildSecretPresent: true,
      buildSecretSha256: createHash("sha256").update(secretValue).digest("hex"),
    });
    expect(response.body).not.toContain(secretValue);

    const checkRun = () =>
      [...harness.pipeline.github.checkRuns.values()].find(
        (run) => run.head_sha === done.gitCommitSha,
      );
    await expect.poll(() => checkRun()?.conclusion, { timeout: 30_000 }).toBe("success");
    const states = checkRun()!.history.map((entry) => entry.status);
    expect(states[0]).toBe("queued");
    expect(states).toContain("in_progress");
  });

  it("keeps the build secret out of every layer and the config of the pushed image", async () => {
    const { image } = await harness.deploymentRow(deploymentId);
    const registry = `http://${inject("registryHost")}`;
    const [repository, digest] = image!.replace(`${inject("registryHost")}/`, "").split("@");
    const manifest = (await (
      await fetch(`${registry}/v2/${repository}/manifests/${digest}`, {
        headers: {
          accept:
            "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json",
        },
      })
    ).json()) as { config: { digest: string }; layers: { digest: string }[] };
    expect(manifest.layers.length).toBeGreaterThan(0);
    for (const blob of [manifest.config, ...manifest.layers]) {
      const bytes = Buffer.from(
        await (await fetch(`${registry}/v2/${repository}/blobs/${blob.digest}`)).arrayBuffer(),
      );
      const content = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
      expect(content.includes(secretValue), `secret in ${blob.digest}`).toBe(false);
    }
  });
});

interface RequestLogPage {
  data: { host: string; path: string; status: number; outcome: string; deploymentId?: string }[];
}

describe("gateway policies in front of the real container", () => {
  it("answers 403 for a firewall policy, 401 without a key and 200 with one, and logs them", async () => {
    const { sdk, rootKey } = harness.workspace;
    const keyspaceId = (await sdk.apis.createApi({ name: "shop-keys" })).data.apiId;
    await sdk.gateway.setPolicies({
      ...refs,
      policies: [
        {
          name: "no admin",
          enabled: true,
          match: [{ path: { path: { prefix: "/admin" } } }],
          firewall: { action: "ACTION_DENY" },
        },
        {
          name: "env needs a key",
          enabled: true,
          match: [{ path: { path: { prefix: "/env" } } }],
          keyauth: { keyspaces: [keyspaceId] },
        },
      ],
    });
    const started = Date.now();
    await expect.poll(async () => (await sentinel.get(host, "/admin")).status).toBe(403);
    log(`setPolicies → 403 through Sentinel: ${Date.now() - started} ms`);
    expect((await sentinel.get(host, "/env")).status).toBe(401);
    const { key } = (await sdk.keys.createKey({ apiId: keyspaceId, name: "client" })).data;
    harness.pipeline.api.secrets.add(key);
    const allowed = await sentinel.get(host, "/env", { authorization: `Bearer ${key}` });
    expect(allowed.status).toBe(200);
    // The verified key is stripped before forwarding: the app never sees it.
    expect(allowed.body).not.toContain(key);
    expect(answeredBy(allowed)).toBe(deploymentId);

    const logged = async () => {
      const response = await harness.pipeline.api.post(
        "/v2/requestLogs.listRequestLogs",
        { hosts: [host], since: started, limit: 100 },
        rootKey,
      );
      expect(response.status).toBe(200);
      const page = (await response.json()) as RequestLogPage;

      return page.data.map((entry) => `${entry.status} ${entry.path}`);
    };
    await expect
      .poll(logged, { timeout: 15_000 })
      .toEqual(expect.arrayContaining(["403 /admin", "401 /env", "200 /env"]));
    await sdk.gateway.setPolicies({ ...refs, policies: [] });
    // Without the policies the app itself answers /admin (hello answers every path).
    await expect
      .poll(async () => answeredBy(await sentinel.get(host, "/admin")))
      .toBe(deploymentId);
  });
});

/** Sends GET / through Sentinel back to back until stopped; counts answers by deployment. */
function requestLoop() {
  const answers = new Map<string, number>();
  const failures: string[] = [];
  let stopped = false;
  const running = (async () => {
    while (!stopped) {
      try {
        const response = await sentinel.get(host, "/");
        const { status, body } = response;
        // A refusal's body holds its request id: counted by status alone.
        const answer = status === 200 ? `200 ${answeredBy(response)}` : `${status}`;
        answers.set(answer, (answers.get(answer) ?? 0) + 1);
        if (status !== 200) failures.push(`${status} ${body.slice(0, 300)}`);
      } catch (error) {
        failures.push(String(error));
      }
    }
  })();
  return {
    answers,
    failures,
    async stop() {
      stopped = true;
      await running;
    },
  };
}

describe("a second push and a rollback", () => {
  it("goes live with zero failed requests while a client keeps sending them", async () => {
    const loop = requestLoop();
    const pushed = Date.now();
    const second = await harness.pushCommit(helloFiles);
    const done = await finishedDeployment(second.id);
    expect(done.status).toBe("ready");
    await expect.poll(async () => answeredBy(await sentinel.get(host, "/"))).toBe(second.id);
    log(`second push → serving it: ${seconds(pushed)} s`);
    // Keep sending a while after the switch: the old instances are being retired now.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await loop.stop();
    const total = [...loop.answers.values()].reduce((sum, n) => sum + n, 0);
    log(
      `requests during the rollout: ${total}, ${JSON.stringify(Object.fromEntries(loop.answers))}`,
    );
    expect(loop.failures).toEqual([]);
    expect(loop.answers.get(`200 ${deploymentId}`)).toBeGreaterThan(0);
    expect(loop.answers.get(`200 ${second.id}`)).toBeGreaterThan(0);
  });

  it("rolls back to the first deployment without a rebuild", async () => {
    const countDeployments = async () =>
      (await harness.workspace.sdk.deployments.listDeployments({})).result.data.length;
    const before = await countDeployments();
    const builds = (await harness.buildStep(deploymentId))?.id;
    const loop = requestLoop();
    const started = Date.now();
    await harness.workspace.sdk.deployments.rollbackDeployment({ deploymentId });
    await expect
      .poll(async () => answeredBy(await sentinel.get(host, "/")), { timeout: 60_000 })
      .toBe(deploymentId);
    log(`rollback → serving the first deployment: ${Date.now() - started} ms`);
    // The environment's stable name follows the rollback as the custom domain does.
    const [production] = await harness.db
      .select({ hostname: environments.hostname })
      .from(environments)
      .where(eq(environments.id, (await harness.deploymentRow(deploymentId)).environmentId));
    expect(production?.hostname).toMatch(/^web-production-[0-9a-f]{12}\./);
    await expect
      .poll(async () => answeredBy(await sentinel.get(production!.hostname!, "/")))
      .toBe(deploymentId);
    await loop.stop();
    expect(loop.failures).toEqual([]);
    expect(await countDeployments()).toBe(before);
    expect((await harness.buildStep(deploymentId))?.id).toBe(builds);
    const { data } = await harness.workspace.sdk.deployments.getDeployment({ deploymentId });
    expect(data).toMatchObject({ status: "ready", isCurrent: true });
  });
});

describe("an idle preview", () => {
  it("is woken by its next request, which gets its 200", async () => {
    const pushed = await harness.pushCommit(helloFiles, "feature-x");
    const preview = await finishedDeployment(pushed.id);
    expect({ status: preview.status, error: preview.errorMessage }).toEqual({
      status: "ready",
      error: null,
    });
    const previewHost = preview.hostnames[0]!;
    await expect
      .poll(async () => answeredBy(await sentinel.get(previewHost, "/")))
      .toBe(preview.id);

    // Nobody asked for it for two hours: the worker's idler scales it to zero.
    const { api, jobs } = harness.pipeline;
    const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: 1 });
    try {
      const idled = await runPreviewIdlePass({
        db: api.database.db,
        redis,
        redisPrefix: `${api.config.SLIPWAY_QUEUE_PREFIX}:`,
        jobs,
        clock: () => new Date(Date.now() + 2 * 3_600_000),
        idleAfterMs: 3_600_000,
      });
      expect(idled).toContain(preview.id);
    } finally {
      redis.disconnect();
    }
    const podsOf = async () =>
      (
        await real.kube.get<{ items: Pod[] }>(
          `/api/v1/namespaces/${real.namespace}/pods?labelSelector=${encodeURIComponent(`slipway.dev/deployment=${crNameOf(preview.id)}`)}`,
        )
      ).items.length;
    await expect.poll(podsOf, { timeout: 60_000 }).toBe(0);

    const woken = Date.now();
    const response = await sentinel.get(previewHost, "/env");
    log(`idle → woken by a request, answered in ${seconds(woken)} s`);
    expect(response.status).toBe(200);
    expect(parseHello(response.body).unkey).toMatchObject({
      UNKEY_DEPLOYMENT_ID: preview.id,
      UNKEY_GIT_COMMIT_SHA: preview.gitCommitSha,
      UNKEY_ENVIRONMENT_SLUG: "preview",
    });
    expect(await podsOf()).toBe(1);
  });
});

describe("`slipway deploy examples/hello` against the same platform", () => {
  it("prints a URL with Sentinel's port that answers 200 from the deployment it made", async () => {
    const slipway = slipwayBin({
      apiUrl: harness.pipeline.api.url,
      rootKey: harness.workspace.rootKey,
    });
    const started = Date.now();
    const run = await slipway([
      "deploy",
      "examples/hello",
      "-p",
      "shop",
      "-a",
      "web",
      "-e",
      "preview",
      "-o",
      "json",
    ]);
    log(`slipway deploy → ready: ${seconds(started)} s`);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const { deploymentId: cliDeployment, urls } = JSON.parse(run.stdout) as {
      deploymentId: string;
      urls: string[];
    };
    expect(urls.length).toBeGreaterThan(0);
    for (const printed of urls) {
      const url = new URL(printed);
      expect(url.port).toBe(String(sentinelPort));
      // Sentinel listens on loopback; the URL's host is what it routes by.
      const response = await sentinel.get(url.hostname, "/");
      expect(response.status).toBe(200);
      expect(answeredBy(response)).toBe(cliDeployment);
    }
    log(`slipway deploy → first 200 at ${urls[0]}: ${seconds(started)} s`);
  });
});
