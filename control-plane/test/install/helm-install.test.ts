import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { readBuilderSettings } from "@slipway/builder";
import {
  BUSYBOX,
  type EnsuredImage,
  ensureSlipwayImages,
  HTTPD_PORT,
  makeBusyboxHttpdImage,
} from "@slipway/testbed";
import { beforeAll, describe, expect, it } from "vitest";
import { type HelmRelease, startHelm } from "./helm-release.js";
import { type InstallCluster, startInstallCluster } from "./install-cluster.js";
import {
  type ClusterView,
  readyPodIp,
  requestLoop,
  runningImageDigests,
  sendGet,
  waitFor,
} from "./install-probes.js";
import { createReleaseSecret, prebuildSlipwayImages } from "./release-setup.js";

/**
 * Issue 16's "Done when": Slipway's images built (or taken from the content cache), `helm
 * install` of charts/slipway on the testbed's real node, every part Ready, a deployment made
 * through the installed API becoming a real pod that answers 200 through Sentinel, `helm
 * upgrade` to a second release of every image (other digests, another version reported) with
 * a client counting zero failed requests, `helm rollback`,
 * and `helm uninstall` leaving the CRD and the apps. The commands are the README's
 * "Install on your cluster" ones.
 */
const log = (line: string) => console.log(`[install e2e] ${line}`);
const REPO_ROOT = resolve(import.meta.dirname, "../../..");
const RELEASE = "slipway";
const NAMESPACE = "slipway-system";
const APPS_NAMESPACE = "slipway-apps";
const SECRET = "slipway";
const APP_IMAGE = "docker.io/slipway/install-e2e-app:1";
const APP_PAGE = "hello from an installed Slipway\n";
/** The busybox httpd app's port, and the port of Sentinel's Service (the chart's default). */
const APP_PORT = HTTPD_PORT;
const SENTINEL_SERVICE_PORT = 80;
/** The two releases of every image: installed first, then upgraded to (the same sources). */
const FIRST_VERSION = "install-e2e-1";
const SECOND_VERSION = "install-e2e-2";
const rootKey = `sw_root_${randomBytes(24).toString("hex")}`;

let env: InstallCluster;
let helm: HelmRelease;
let images: EnsuredImage[];
let view: ClusterView;
const seconds = (from: number) => ((Date.now() - from) / 1000).toFixed(1);

const imageOf = (name: string, version = FIRST_VERSION) =>
  images.find((image) => image.name === name && image.version === version)!;

/** The chart's values for one release of the images (the README's install, on the testbed). */
function releaseValues(version: string) {
  const image = (name: string) => ({
    repository: `${env.registryHost}/${imageOf(name, version).repository}`,
    tag: imageOf(name, version).tag,
  });
  return {
    operator: { image: image("operator"), replicas: 1 },
    controlPlane: {
      enabled: true,
      image: image("control-plane"),
      existingSecret: SECRET,
      env: { SLIPWAY_REGIONS: "eu-1" },
      api: { replicas: 1 },
    },
    // This test deploys a prebuilt image; helm-install-builds.test.ts installs the builder.
    builder: { enabled: false },
    // The chart's Sentinel for eu-1, the real node's region (pods pinned to it).
    sentinel: { image: image("sentinel"), replicas: 1, workers: 1 },
  };
}

async function apiCall(operation: string, body: unknown) {
  const ip = await readyPodIp(view, NAMESPACE, "app.kubernetes.io/name=slipway-api");
  const response = await fetch(`http://${ip}:7070/v2/${operation}`, {
    method: "POST",
    headers: { authorization: `Bearer ${rootKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: the API's envelope, read by path in assertions
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
}

/** The release a Ready, not terminating API pod reports on /readyz. */
async function apiVersion(): Promise<string> {
  const ip = await readyPodIp(view, NAMESPACE, "app.kubernetes.io/name=slipway-api");
  const response = await fetch(`http://${ip}:7070/readyz`);
  const body = (await response.json()) as { data: { ready: boolean; version: string } };
  expect(body.data.ready).toBe(true);
  return body.data.version;
}

const digestsOf = (version: string) =>
  [
    ...new Set(images.filter((i) => i.version === version).map((i) => i.oci.manifest.digest)),
  ].sort();

/** Sentinel's Service (its cluster IP, through the node's kube-proxy), as clients reach it. */
async function sentinelGet(host: string) {
  return sendGet(await sentinelServiceIp(), SENTINEL_SERVICE_PORT, host, "/");
}

async function sentinelServiceIp(): Promise<string> {
  const service = await env.cluster.client.get<{ spec: { clusterIP: string } }>(
    `/api/v1/namespaces/${NAMESPACE}/services/${RELEASE}-sentinel-eu-1`,
  );
  return service.spec.clusterIP;
}

beforeAll(async () => {
  const settings = readBuilderSettings(process.env);
  const imagesFor = (registryHost: string) =>
    ensureSlipwayImages({
      repoRoot: REPO_ROOT,
      settings,
      registryHost,
      versions: [FIRST_VERSION, SECOND_VERSION],
      log,
    });
  const summary = () =>
    images.map(
      (i) => `${i.name} ${i.version} ${i.cached ? "cached" : "built"} ${i.seconds.toFixed(1)} s`,
    );
  // Built (or found in the content cache) before the real-node lock is taken, into a registry
  // of their own: the lock is then held for the install only, and the node's registry gets
  // the images from the cache.
  const buildStarted = Date.now();
  images = await prebuildSlipwayImages(imagesFor);
  log(`images built or cached in ${seconds(buildStarted)} s: ${summary().join(", ")}`);
  env = await startInstallCluster();
  view = { kube: env.cluster.client };
  helm = await startHelm(env.cluster.kubeconfig);
  const pushStarted = Date.now();
  images = await imagesFor(env.registryHost);
  log(`images in the node's registry in ${seconds(pushStarted)} s: ${summary().join(", ")}`);
  // A prebuilt app, as a user deploys one with `image.dockerImage`: non-root like the
  // operator's pods require by default.
  await env.node.pushImage(
    APP_IMAGE,
    makeBusyboxHttpdImage(readFileSync(BUSYBOX), APP_PAGE, "65534:65534"),
  );
  await createReleaseSecret(env.cluster.client, {
    namespace: NAMESPACE,
    secret: SECRET,
    rootKey,
    stores: { databaseUrl: env.podDatabaseUrl, redisUrl: env.podRedisUrl },
  });
}, 1_800_000);

/** Deployments of the install: name → the image of its first container, when all are ready. */
async function releaseDeployments(): Promise<Record<string, string>> {
  const list = await env.cluster.client.get<{
    items: {
      metadata: { name: string };
      spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
      status: { readyReplicas?: number; updatedReplicas?: number; replicas?: number };
    }[];
  }>(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments`);
  return Object.fromEntries(
    list.items.map((d) => [
      d.metadata.name,
      d.status.readyReplicas === d.spec.replicas && d.status.replicas === d.spec.replicas
        ? d.spec.template.spec.containers[0]!.image
        : "not ready",
    ]),
  );
}

let appHost = "";

describe("helm install of charts/slipway on the real node", () => {
  it("installs the operator, API, workers and Sentinel, all Ready", async () => {
    const started = Date.now();
    const values = await helm.valuesFile("install", releaseValues(FIRST_VERSION));
    await helm.helm([
      ...["install", RELEASE, helm.chartDir, "--namespace", NAMESPACE, "-f", values],
      ...["--wait", "--timeout", "8m"],
    ]);
    const ready = await waitFor(
      "every Deployment of the install Ready",
      async () => {
        const deployments = await releaseDeployments();
        return Object.values(deployments).every((image) => image !== "not ready")
          ? deployments
          : undefined;
      },
      300_000,
    );
    log(`helm install → everything Ready: ${seconds(started)} s`);
    expect(ready).toEqual({
      [`${RELEASE}-operator`]: imageOf("operator").ref,
      [`${RELEASE}-api`]: imageOf("control-plane").ref,
      [`${RELEASE}-worker`]: imageOf("control-plane").ref,
      [`${RELEASE}-sentinel-eu-1`]: imageOf("sentinel").ref,
    });
    // Every pod of the install is a real container on the real node (the migrate Job's is gone).
    const pods = await env.cluster.client.get<{
      items: { spec: { nodeName: string }; status: { phase: string } }[];
    }>(`/api/v1/namespaces/${NAMESPACE}/pods?fieldSelector=status.phase%3DRunning`);
    expect(pods.items.map((pod) => pod.spec.nodeName)).toEqual(
      Object.keys(ready).map(() => env.node.nodeName),
    );
    // The migrate hook made the workspace of SLIPWAY_BOOTSTRAP_ROOT_KEY: the key works.
    const whoami = await apiCall("projects.listProjects", {});
    expect(whoami.status).toBe(200);
    expect(await apiCall("projects.listProjects", {}).then((r) => r.body.data)).toEqual([]);
    expect(await apiVersion()).toBe(FIRST_VERSION);
    expect(await runningImageDigests(view, NAMESPACE, RELEASE)).toEqual(digestsOf(FIRST_VERSION));
  });

  it("turns a deployment created through the installed API into a real pod answering 200 through Sentinel", async () => {
    const started = Date.now();
    expect((await apiCall("projects.createProject", { name: "Shop", slug: "shop" })).status).toBe(
      200,
    );
    expect(
      (await apiCall("apps.createApp", { project: "shop", name: "Web", slug: "web" })).status,
    ).toBe(200);
    const created = await apiCall("deployments.createDeployment", {
      project: "shop",
      app: "web",
      environment: "preview",
      image: { dockerImage: APP_IMAGE },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const deploymentId = created.body.data.deploymentId as string;
    const finished = await waitFor(
      `deployment ${deploymentId} to finish`,
      async () => {
        const { body } = await apiCall("deployments.getDeployment", { deploymentId });
        return ["ready", "failed", "cancelled"].includes(body.data?.status) ? body.data : undefined;
      },
      240_000,
    );
    expect(finished, JSON.stringify(finished)).toMatchObject({ status: "ready" });
    appHost = (finished.domains as string[])[0]!;
    expect(appHost).toMatch(/\.preview\.slipway\.local$/);
    const pods = await env.cluster.client.get<{
      items: { spec: { nodeName: string }; status: { phase: string; podIP?: string } }[];
    }>(`/api/v1/namespaces/${APPS_NAMESPACE}/pods`);
    expect(pods.items.map((pod) => [pod.spec.nodeName, pod.status.phase])).toEqual([
      [env.node.nodeName, "Running"],
    ]);
    const answer = await waitFor(
      `200 from ${appHost} through Sentinel`,
      async () => {
        const response = await sentinelGet(appHost);
        return response.status === 200 ? response : undefined;
      },
      60_000,
    );
    log(`createDeployment → 200 through Sentinel: ${seconds(started)} s`);
    expect(answer.body).toBe(APP_PAGE);
  });

  it("upgrades to a second release of every image while a client counts zero failed requests", async () => {
    // The same sources built as another release: other image digests, another version reported.
    const second = digestsOf(SECOND_VERSION);
    expect(second).toHaveLength(3);
    expect(second.filter((digest) => digestsOf(FIRST_VERSION).includes(digest))).toEqual([]);
    // Through Sentinel's Service: its pods are replaced too (one added before one is removed).
    const sentinelIp = await sentinelServiceIp();
    const loop = requestLoop(
      () => sendGet(sentinelIp, SENTINEL_SERVICE_PORT, appHost, "/"),
      APP_PAGE,
    );
    const started = Date.now();
    const values = await helm.valuesFile("upgrade", releaseValues(SECOND_VERSION));
    await helm.helm([
      ...["upgrade", RELEASE, helm.chartDir, "--namespace", NAMESPACE, "-f", values],
      ...["--wait", "--timeout", "8m"],
    ]);
    const upgraded = await waitFor(
      "the upgraded Deployments Ready",
      async () => {
        const deployments = await releaseDeployments();
        return deployments[`${RELEASE}-api`] === imageOf("control-plane", SECOND_VERSION).ref &&
          deployments[`${RELEASE}-worker`] === imageOf("control-plane", SECOND_VERSION).ref &&
          deployments[`${RELEASE}-operator`] === imageOf("operator", SECOND_VERSION).ref &&
          deployments[`${RELEASE}-sentinel-eu-1`] === imageOf("sentinel", SECOND_VERSION).ref
          ? deployments
          : undefined;
      },
      300_000,
    );
    // Requests go on a while after the switch, while the old pods terminate.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const counted = await loop.stop();
    log(
      `helm upgrade → Ready: ${seconds(started)} s; requests during it: ${counted.total}, failed: ${counted.failures.length}, slowest answer ${counted.slowestMs} ms`,
    );
    expect(Object.keys(upgraded)).toHaveLength(4);
    expect(counted.failures).toEqual([]);
    expect(counted.total).toBeGreaterThan(0);
    // The new release answers: the API reports it, and the node runs the new digests only.
    expect(await apiVersion()).toBe(SECOND_VERSION);
    const running = await waitFor(
      "only the second release's images running",
      async () => {
        const digests = await runningImageDigests(view, NAMESPACE, RELEASE);
        return digests.join() === second.join() ? digests : undefined;
      },
      120_000,
    );
    expect(running).toEqual(second);
    expect((await apiCall("projects.listProjects", {})).status).toBe(200);
  });

  it("rolls back to the first release's images", async () => {
    await helm.helm([
      "rollback",
      RELEASE,
      "1",
      "--namespace",
      NAMESPACE,
      "--wait",
      "--timeout",
      "8m",
    ]);
    const rolledBack = await waitFor(
      "the rolled-back Deployments Ready",
      async () => {
        const deployments = await releaseDeployments();
        return deployments[`${RELEASE}-api`] === imageOf("control-plane").ref &&
          deployments[`${RELEASE}-operator`] === imageOf("operator").ref
          ? deployments
          : undefined;
      },
      300_000,
    );
    expect(rolledBack[`${RELEASE}-worker`]).toBe(imageOf("control-plane").ref);
    const history = await helm.helm(["history", RELEASE, "--namespace", NAMESPACE, "-o", "json"]);
    expect((JSON.parse(history) as { description: string }[]).at(-1)?.description).toMatch(
      /Rollback to 1/,
    );
    expect((await apiCall("projects.listProjects", {})).body.data).toHaveLength(1);
    expect(await apiVersion()).toBe(FIRST_VERSION);
    expect((await sentinelGet(appHost)).status).toBe(200);
  });

  it("uninstalls cleanly, keeping the CRD and the running app", async () => {
    await helm.helm(["uninstall", RELEASE, "--namespace", NAMESPACE, "--wait", "--timeout", "5m"]);
    const left = await waitFor(
      "the release's pods gone",
      async () => {
        const pods = await env.cluster.client.get<{ items: { metadata: { name: string } }[] }>(
          `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app.kubernetes.io/instance%3D${RELEASE}`,
        );
        return pods.items.length === 0 ? pods.items : undefined;
      },
      120_000,
    );
    expect(left).toEqual([]);
    expect(Object.keys(await releaseDeployments())).toEqual([]);
    expect(await helm.helm(["list", "--namespace", NAMESPACE, "-q"])).toBe("");
    const crd = await env.cluster.client.find(
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/deployments.slipway.dev",
    );
    expect(crd).toBeDefined();
    const crs = await env.cluster.client.get<{ items: unknown[] }>(
      `/apis/slipway.dev/v1alpha1/namespaces/${APPS_NAMESPACE}/deployments`,
    );
    expect(crs.items).toHaveLength(1);
    // The app itself still runs (Sentinel went with the release): its pod answers directly.
    const appPod = await readyPodIp(view, APPS_NAMESPACE, "slipway.dev/region=eu-1");
    expect((await sendGet(appPod, APP_PORT, appHost, "/")).body).toBe(APP_PAGE);
  });
});
