import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { chown, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { readBuilderSettings } from "@slipway/builder";
import {
  BUNDLED_POSTGRESQL,
  BUNDLED_REDIS,
  type EnsuredImage,
  ensureSlipwayImages,
  loadOrBuildStoreImage,
  pushImage,
  type StoreImage,
} from "@slipway/testbed";
import { beforeAll, describe, expect, it } from "vitest";
import { type HelmRelease, startHelm } from "./helm-release.js";
import { type RealNodeCluster, startRealNodeCluster } from "./install-cluster.js";
import { type ClusterView, readyPodIp, waitFor } from "./install-probes.js";
import { createReleaseSecret, prebuildSlipwayImages } from "./release-setup.js";

/**
 * The chart's bundled PostgreSQL and Redis (FOR TRIALS), from Slipway's Debian-based images of
 * them (testbed/src/images/store-images.ts): `helm install` with bundled.postgresql and
 * bundled.redis on and no other database anywhere, on the real node. The API becomes Ready
 * against them, its root key works (the migrations ran in the bundled database), and what it
 * wrote outlives the database's pod (the data is on the StatefulSet's volume). Pods find the
 * stores by their Services' names through the real node's cluster DNS.
 */
const log = (line: string) => console.log(`[bundled e2e] ${line}`);
const REPO_ROOT = resolve(import.meta.dirname, "../../..");
const RELEASE = "slipway";
const NAMESPACE = "slipway-system";
const SECRET = "slipway";
const VERSION = "bundled-e2e";
/** The uid both store images run as (the chart's bundled.*.runAsUser). */
const STORE_UID = 999;
const rootKey = `sw_root_${randomBytes(24).toString("hex")}`;

let env: RealNodeCluster;
let helm: HelmRelease;
let images: EnsuredImage[];
let stores: { postgresql: StoreImage; redis: StoreImage };
let view: ClusterView;
/** Host directories behind the stores' volumes (hostPath PersistentVolumes). */
let volumes: { postgresql: string; redis: string };

const imageOf = (name: string) => images.find((image) => image.name === name)!;

function releaseValues() {
  const image = (name: string) => ({
    repository: `${env.registryHost}/${imageOf(name).repository}`,
    tag: imageOf(name).tag,
  });
  const store = (built: StoreImage) => ({
    enabled: true,
    image: { repository: `${env.registryHost}/slipway/${built.recipe.name}`, tag: built.tag },
    storage: { size: "1Gi" },
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
    builder: { enabled: false },
    sentinel: { image: image("sentinel"), replicas: 1, workers: 1 },
    bundled: { postgresql: store(stores.postgresql), redis: store(stores.redis) },
  };
}

async function apiGet(path: string) {
  const ip = await readyPodIp(view, NAMESPACE, "app.kubernetes.io/name=slipway-api");
  return fetch(`http://${ip}:7070${path}`);
}

async function apiCall(operation: string, body: unknown) {
  const ip = await readyPodIp(view, NAMESPACE, "app.kubernetes.io/name=slipway-api");
  const response = await fetch(`http://${ip}:7070/v2/${operation}`, {
    method: "POST",
    headers: { authorization: `Bearer ${rootKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the API's envelope, read by path in assertions
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** A PersistentVolume on the node's disk, bound ahead to the StatefulSet's claim. */
async function hostPathVolume(component: "postgresql" | "redis", dir: string) {
  const claim = `data-${RELEASE}-${component}-0`;
  await env.cluster.client.apply(`/api/v1/persistentvolumes/${NAMESPACE}-${claim}`, {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: `${NAMESPACE}-${claim}` },
    spec: {
      capacity: { storage: "1Gi" },
      accessModes: ["ReadWriteOnce"],
      persistentVolumeReclaimPolicy: "Retain",
      storageClassName: "",
      hostPath: { path: dir, type: "Directory" },
      claimRef: { namespace: NAMESPACE, name: claim },
    },
  });
}

beforeAll(async () => {
  const settings = readBuilderSettings(process.env);
  const imagesFor = (registryHost: string) =>
    ensureSlipwayImages({ repoRoot: REPO_ROOT, settings, registryHost, versions: [VERSION], log });
  images = await prebuildSlipwayImages(imagesFor);
  const storeOptions = { repoRoot: REPO_ROOT, cacheDir: settings.cacheDir, log };
  stores = {
    postgresql: await loadOrBuildStoreImage(BUNDLED_POSTGRESQL, storeOptions),
    redis: await loadOrBuildStoreImage(BUNDLED_REDIS, storeOptions),
  };
  for (const store of Object.values(stores)) {
    log(
      `${store.recipe.name}: ${store.cached ? "cached" : "built"} in ${store.seconds.toFixed(1)} s`,
    );
  }
  env = await startRealNodeCluster();
  view = { kube: env.cluster.client };
  helm = await startHelm(env.cluster.kubeconfig);
  images = await imagesFor(env.registryHost);
  for (const store of Object.values(stores)) {
    const ref = `${env.registryHost}/slipway/${store.recipe.name}:${store.tag}`;
    await pushImage(`http://${env.registryHost}`, ref, store.oci);
  }
  const disk = await mkdtemp(join(tmpdir(), "slipway-bundled-volumes-"));
  env.onStop(() => rm(disk, { recursive: true, force: true }));
  volumes = { postgresql: join(disk, "postgresql"), redis: join(disk, "redis") };
  for (const [component, dir] of Object.entries(volumes)) {
    await mkdir(dir);
    await chown(dir, STORE_UID, STORE_UID);
    await hostPathVolume(component as "postgresql" | "redis", dir);
  }
  // No DATABASE_URL or REDIS_URL: with the bundled stores on, the chart's own Secret has them.
  await createReleaseSecret(env.cluster.client, { namespace: NAMESPACE, secret: SECRET, rootKey });
}, 2_400_000);

/** The API's /readyz body once it answers 200 (both stores reachable). */
async function apiReady() {
  return waitFor(
    "the API Ready against the bundled stores",
    async () => {
      const response = await apiGet("/readyz");
      return response.status === 200
        ? ((await response.json()) as { data: Record<string, unknown> }).data
        : undefined;
    },
    300_000,
  );
}

describe("helm install with the bundled PostgreSQL and Redis (trials)", () => {
  it("runs the stores from Slipway's Debian images and the API Ready against them", async () => {
    const started = Date.now();
    const values = await helm.valuesFile("bundled", releaseValues());
    await helm.helm([
      ...["install", RELEASE, helm.chartDir, "--namespace", NAMESPACE, "-f", values],
      ...["--wait", "--timeout", "8m"],
    ]);
    const ready = await apiReady();
    log(
      `helm install → API Ready on the bundled stores: ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(ready).toMatchObject({ ready: true, checks: { database: "ok", redis: "ok" } });
    const sets = await env.cluster.client.get<{
      items: { metadata: { name: string }; status: { readyReplicas?: number } }[];
    }>(`/apis/apps/v1/namespaces/${NAMESPACE}/statefulsets`);
    expect(sets.items.map((s) => [s.metadata.name, s.status.readyReplicas]).sort()).toEqual([
      [`${RELEASE}-postgresql`, 1],
      [`${RELEASE}-redis`, 1],
    ]);
    // The migrations ran in the bundled database: the bootstrap root key is there and works.
    const projects = await apiCall("projects.listProjects", {});
    expect(projects.status).toBe(200);
    expect(projects.body.data).toEqual([]);
    // Both wrote to their volumes, as uid 999 (the images' non-root users).
    expect(readFileSync(join(volumes.postgresql, "pgdata/PG_VERSION"), "utf8").trim()).toBe("15");
    expect(existsSync(join(volumes.redis, "appendonlydir"))).toBe(true);
  });

  it("keeps what the API wrote when the database's pod is replaced (the data is on the volume)", async () => {
    const created = await apiCall("projects.createProject", { name: "Shop", slug: "shop" });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const pods = `/api/v1/namespaces/${NAMESPACE}/pods`;
    const before = await env.cluster.client.get<{ metadata: { uid: string } }>(
      `${pods}/${RELEASE}-postgresql-0`,
    );
    await env.cluster.client.remove(`${pods}/${RELEASE}-postgresql-0`);
    await waitFor(
      "a new PostgreSQL pod Ready",
      async () => {
        const pod = await env.cluster.client.find<{
          metadata: { uid: string };
          status: { conditions?: { type: string; status: string }[] };
        }>(`${pods}/${RELEASE}-postgresql-0`);
        const isReady = pod?.status.conditions?.some(
          (c) => c.type === "Ready" && c.status === "True",
        );
        return pod && pod.metadata.uid !== before.metadata.uid && isReady ? pod : undefined;
      },
      300_000,
    );
    await apiReady();
    const listed = await waitFor(
      "the project listed again",
      async () => {
        const projects = await apiCall("projects.listProjects", {});
        return projects.status === 200 ? projects.body.data : undefined;
      },
      120_000,
    );
    expect((listed as { slug: string }[]).map((p) => p.slug)).toEqual(["shop"]);
  });
});
