import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { ensureBuildkit, readBuilderSettings } from "@slipway/builder";
import {
  BUILDKITD_IMAGE_NAME,
  type BuildkitdImage,
  type EnsuredImage,
  ensureSlipwayImages,
  loadOrBuildBuildkitdImage,
  pushImage,
} from "@slipway/testbed";
import { beforeAll, describe, expect, it } from "vitest";
import { slipwayBin } from "../local/slipway-bin.js";
import { type HelmRelease, startHelm } from "./helm-release.js";
import { type InstallCluster, startInstallCluster } from "./install-cluster.js";
import { type ClusterView, readyPodIp, sendGet, waitFor } from "./install-probes.js";
import { createReleaseSecret, prebuildSlipwayImages } from "./release-setup.js";

/**
 * Builds inside an installed Slipway: `helm install` of charts/slipway on the testbed's real
 * node with the builder on (builder workers and a privileged buildkitd of Slipway's own image,
 * its state on an emptyDir), then a user's `slipway deploy examples/hello` (an ordinary
 * `FROM node:20-slim` Dockerfile with a build secret) through the installed API. The upload
 * goes into PostgreSQL, an installed builder worker takes the build job and runs buildctl
 * against the installed buildkitd, which reads node:20-slim through its docker.io mirror and
 * pushes the image to the node's registry (on the bridge's gateway, where pods and the node's
 * containerd both reach it); the operator's pod of that image answers 200 through the
 * installed Sentinel. No buildkitd runs on the host while the build does.
 */
const log = (line: string) => console.log(`[install builds] ${line}`);
const REPO_ROOT = resolve(import.meta.dirname, "../../..");
const RELEASE = "slipway";
const NAMESPACE = "slipway-system";
const APPS_NAMESPACE = "slipway-apps";
const SECRET = "slipway";
/** The release of helm-install.test.ts: the same images, so either file's run caches them. */
const VERSION = "install-e2e-1";
const SENTINEL_SERVICE_PORT = 80;
const rootKey = `sw_root_${randomBytes(24).toString("hex")}`;
const buildSecret = `hello-secret-${randomBytes(12).toString("hex")}`;

let env: InstallCluster;
let helm: HelmRelease;
let images: EnsuredImage[];
let buildkitd: BuildkitdImage;
/** The host's pinned buildctl: reads what the in-cluster buildkitd holds after the build. */
let buildctl: string;
let view: ClusterView;
const seconds = (from: number) => ((Date.now() - from) / 1000).toFixed(1);
const imageOf = (name: string) => images.find((image) => image.name === name)!;
const buildkitdRef = () => `${env.registryHost}/slipway/${BUILDKITD_IMAGE_NAME}:${buildkitd.tag}`;

/** The README's install with builds on, as the testbed needs it (no StorageClass, no internet). */
function releaseValues() {
  const image = (name: string) => ({
    repository: `${env.registryHost}/${imageOf(name).repository}`,
    tag: imageOf(name).tag,
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
    builder: { enabled: true, registry: env.registryHost },
    buildkit: {
      image: {
        repository: `${env.registryHost}/slipway/${BUILDKITD_IMAGE_NAME}`,
        tag: buildkitd.tag,
      },
      // The node's registry: images are pushed there, and it holds the docker.io names.
      plainHttpRegistries: [env.registryHost],
      mirrorRegistry: env.registryHost,
      storage: { type: "emptyDir", size: "10Gi" },
      resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "4Gi" } },
    },
    sentinel: { image: image("sentinel"), replicas: 1, workers: 1 },
  };
}

async function sentinelGet(host: string) {
  const service = await env.cluster.client.get<{ spec: { clusterIP: string } }>(
    `/api/v1/namespaces/${NAMESPACE}/services/${RELEASE}-sentinel-eu-1`,
  );
  return sendGet(service.spec.clusterIP, SENTINEL_SERVICE_PORT, host, "/");
}

interface PodList {
  items: {
    metadata: { name: string; labels?: Record<string, string> };
    spec: { nodeName: string; containers: { image: string }[] };
    status: {
      phase: string;
      containerStatuses?: { ready: boolean; image: string; imageID: string }[];
    };
  }[];
}

const podsOf = (namespace: string, selector = "") =>
  env.cluster.client.get<PodList>(
    `/api/v1/namespaces/${namespace}/pods${selector ? `?labelSelector=${encodeURIComponent(selector)}` : ""}`,
  );

beforeAll(async () => {
  const settings = readBuilderSettings(process.env);
  const imagesFor = (registryHost: string) =>
    ensureSlipwayImages({ repoRoot: REPO_ROOT, settings, registryHost, versions: [VERSION], log });
  // Built (or taken from the content cache) before the real-node lock, as helm-install does.
  const buildStarted = Date.now();
  images = await prebuildSlipwayImages(imagesFor);
  const binaries = await ensureBuildkit(settings, log);
  buildctl = binaries.buildctl;
  buildkitd = await loadOrBuildBuildkitdImage({ ...binaries, cacheDir: settings.cacheDir, log });
  log(
    `images ready in ${seconds(buildStarted)} s (${BUILDKITD_IMAGE_NAME} ${buildkitd.cached ? "cached" : "built"})`,
  );
  env = await startInstallCluster();
  view = { kube: env.cluster.client };
  helm = await startHelm(env.cluster.kubeconfig);
  // Also puts node:20-slim into the node's registry as docker.io/library/node:20-slim.
  images = await imagesFor(env.registryHost);
  await pushImage(`http://${env.registryHost}`, buildkitdRef(), buildkitd.oci);
  await createReleaseSecret(env.cluster.client, {
    namespace: NAMESPACE,
    secret: SECRET,
    rootKey,
    stores: { databaseUrl: env.podDatabaseUrl, redisUrl: env.podRedisUrl },
  });
}, 2_400_000);

describe("builds inside a helm install of charts/slipway on the real node", () => {
  it("installs the builder workers and Slipway's buildkitd next to the rest, all Ready", async () => {
    const started = Date.now();
    const values = await helm.valuesFile("install", releaseValues());
    const installed = await helm.helm([
      ...["install", RELEASE, helm.chartDir, "--namespace", NAMESPACE, "-f", values],
      ...["--wait", "--timeout", "8m"],
    ]);
    log(`helm install with the builder → Ready: ${seconds(started)} s`);
    // The chart's notes tell the user where the API and each region's Sentinel are.
    expect(installed).toContain(`kubectl -n ${NAMESPACE} get svc ${RELEASE}-api`);
    expect(installed).toContain(
      `Builds run in-cluster (buildkitd) and push to ${env.registryHost}`,
    );
    expect(installed).toContain(`${RELEASE}-sentinel-eu-1 (ClusterIP, port 80)`);
    const daemon = await waitFor(
      "buildkitd Ready",
      async () => {
        const { items } = await podsOf(NAMESPACE, "app.kubernetes.io/name=slipway-buildkitd");
        return items[0]?.status.containerStatuses?.[0]?.ready ? items[0] : undefined;
      },
      120_000,
    );
    expect(daemon.metadata.name).toBe(`${RELEASE}-buildkitd-0`);
    expect(daemon.spec.nodeName).toBe(env.node.nodeName);
    expect(daemon.spec.containers[0]!.image).toBe(buildkitdRef());
    const builder = await podsOf(NAMESPACE, "app.kubernetes.io/name=slipway-builder");
    expect(builder.items.map((pod) => [pod.spec.containers[0]!.image, pod.status.phase])).toEqual([
      [imageOf("control-plane").ref, "Running"],
    ]);
  });

  it("builds `slipway deploy examples/hello` with the installed builder and buildkitd; the pod answers 200 through Sentinel", async () => {
    const apiIp = await readyPodIp(view, NAMESPACE, "app.kubernetes.io/name=slipway-api");
    const slipway = slipwayBin({ apiUrl: `http://${apiIp}:7070`, rootKey });
    for (const argv of [
      ["projects", "create", "Hello", "--slug", "hello"],
      ["apps", "create", "hello", "-p", "hello"],
      ["env", "set", "-p", "hello", "-a", "hello", "HELLO_BUILD_SECRET"],
    ]) {
      const run = await slipway(argv, argv[0] === "env" ? buildSecret : "");
      expect(run, run.stderr).toMatchObject({ code: 0 });
    }
    const started = Date.now();
    const deploy = await slipway([
      "deploy",
      "examples/hello",
      "-p",
      "hello",
      "-a",
      "hello",
      "-o",
      "json",
    ]);
    expect(deploy.code, `${deploy.stdout}\n${deploy.stderr}`).toBe(0);
    const result = JSON.parse(deploy.stdout) as { deploymentId: string; urls: string[] };
    log(`slipway deploy (upload, build in the cluster, rollout): ${seconds(started)} s`);

    // The image is in the node's registry under the builder's prefix, pushed by buildkitd.
    const got = await slipway(["deployments", "get", result.deploymentId, "-o", "json"]);
    const image = (JSON.parse(got.stdout) as { docker: { image: string } }).docker.image;
    expect(image).toMatch(
      new RegExp(`^${env.registryHost.replace(/\./g, "\\.")}/slipway/.+@sha256:[0-9a-f]{64}$`),
    );
    const [repository, digest] = image.slice(env.registryHost.length + 1).split("@") as [
      string,
      string,
    ];
    const manifest = await fetch(
      `http://${env.registryHost}/v2/${repository}/manifests/${digest}`,
      {
        headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
      },
    );
    expect(manifest.status).toBe(200);

    // The node's containerd pulled that image from the same registry: a real pod runs it.
    const pods = await podsOf(APPS_NAMESPACE);
    expect(
      pods.items.map((pod) => [pod.spec.nodeName, pod.status.phase, pod.spec.containers[0]!.image]),
    ).toEqual([[env.node.nodeName, "Running", image]]);
    expect(pods.items[0]!.status.containerStatuses![0]!.imageID).toMatch(new RegExp(`@${digest}$`));

    // The installed buildkitd did the build: its own cache holds node:20-slim, pulled through
    // its docker.io mirror, and the Dockerfile's RUN step. (This host routes the pod subnet;
    // the chart's NetworkPolicy, not enforced by the testbed's bridge CNI, admits only the
    // builder workers in a real cluster.)
    const buildkitdIp = await readyPodIp(
      view,
      NAMESPACE,
      "app.kubernetes.io/name=slipway-buildkitd",
    );
    const { stdout: cache } = await promisify(execFile)(buildctl, [
      ...["--addr", `tcp://${buildkitdIp}:1234`, "du", "--verbose"],
    ]);
    expect(cache).toMatch(/pulled from docker\.io\/library\/node:20-slim@sha256:/);
    expect(cache).toContain("node record-build-secret.js");

    // Through the installed Sentinel: the app's answer, with what its build saw of the secret.
    const host = new URL(result.urls[0]!).hostname;
    const answer = await waitFor(
      `200 from ${host} through Sentinel`,
      async () => {
        const response = await sentinelGet(host);
        return response.status === 200 ? response : undefined;
      },
      60_000,
    );
    const body = JSON.parse(answer.body) as {
      path: string;
      build: { buildSecretPresent: boolean };
    };
    expect(body).toMatchObject({ path: "/", build: { buildSecretPresent: true } });
    expect(answer.body).not.toContain(buildSecret);
  });

  it("uninstalls, buildkitd and the builder included", async () => {
    await helm.helm(["uninstall", RELEASE, "--namespace", NAMESPACE, "--wait", "--timeout", "5m"]);
    const left = await waitFor(
      "the release's pods gone",
      async () => {
        const { items } = await podsOf(NAMESPACE, `app.kubernetes.io/instance=${RELEASE}`);
        return items.length === 0 ? items : undefined;
      },
      180_000,
    );
    expect(left).toEqual([]);
  });
});
