import { deploymentCrPath, type SlipwayDeployment } from "@slipway/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installCrds } from "../../src/crd/install-crds.js";
import { eventually, freshNamespace, sampleDeployment, testClient } from "../helpers.js";
import { settled, startTestOperator, type TestOperator } from "../operator-harness.js";

interface Item {
  metadata: {
    name: string;
    resourceVersion: string;
    ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[];
    labels?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}
interface List {
  items: Item[];
}

const kube = testClient();
let ns: string;
let op: TestOperator;

const childPaths = (namespace: string) => ({
  Deployment: `/apis/apps/v1/namespaces/${namespace}/deployments`,
  HorizontalPodAutoscaler: `/apis/autoscaling/v2/namespaces/${namespace}/horizontalpodautoscalers`,
  Service: `/api/v1/namespaces/${namespace}/services`,
  PodDisruptionBudget: `/apis/policy/v1/namespaces/${namespace}/poddisruptionbudgets`,
  NetworkPolicy: `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`,
});

const getCr = (name: string) => kube.get<SlipwayDeployment>(deploymentCrPath(ns, name));
const readyCr = (name: string, readyReplicas: number) =>
  eventually(`${name} Ready with ${readyReplicas} ready replicas`, async () => {
    const cr = await getCr(name);
    return cr.status?.phase === "Ready" &&
      cr.status.readyReplicas === readyReplicas &&
      cr.status.observedGeneration === cr.metadata.generation
      ? cr
      : undefined;
  });

async function resourceVersions(): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const [kind, path] of Object.entries(childPaths(ns))) {
    for (const item of (await kube.get<List>(path)).items) {
      versions[`${kind}/${item.metadata.name}`] = item.metadata.resourceVersion;
    }
  }
  return versions;
}

beforeAll(async () => {
  await installCrds(kube);
  ns = await freshNamespace(kube, "lifecycle");
  await kube.create(`/api/v1/namespaces/${ns}/secrets`, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "web-env" },
    stringData: { DATABASE_URL: "postgres://db", UNKEY_REGION: "evil", PORT: "1" },
  });
  op = await startTestOperator(ns);
});

afterAll(async () => {
  await op?.stop();
});

describe("reconciling a Slipway Deployment on a real cluster", () => {
  it("creates workload, Service, HPA, PDB and NetworkPolicy per region, owned by the CR", async () => {
    await kube.create(
      deploymentCrPath(ns),
      sampleDeployment("web", {
        upstreamProtocol: "h2c",
        storageMib: 512,
        envSecretRef: { name: "web-env" },
        git: { commitSha: "abc123", branch: "main", repo: "acme/web", commitMessage: "ship it" },
        healthcheck: { path: "/healthz" },
        regions: [
          { name: "eu-1", replicas: { min: 2, max: 4 } },
          { name: "us-1", replicas: { min: 1, max: 3 } },
        ],
      }),
    );
    const cr = await readyCr("web", 3);

    const paths = childPaths(ns);
    const names = async (path: string) =>
      (await kube.get<List>(path)).items.map((i) => i.metadata.name).sort();
    expect(await names(paths.Deployment)).toEqual(["web-eu-1", "web-us-1"]);
    expect(await names(paths.HorizontalPodAutoscaler)).toEqual(["web-eu-1", "web-us-1"]);
    expect(await names(paths.Service)).toEqual(["web-eu-1", "web-us-1"]);
    expect(await names(paths.PodDisruptionBudget)).toEqual(["web-eu-1", "web-us-1"]);
    expect(await names(paths.NetworkPolicy)).toEqual(["web"]);
    for (const path of Object.values(paths)) {
      for (const item of (await kube.get<List>(path)).items) {
        expect(item.metadata.ownerReferences).toEqual([
          expect.objectContaining({
            kind: "Deployment",
            name: "web",
            uid: cr.metadata.uid,
            controller: true,
          }),
        ]);
      }
    }

    const service = await kube.get<{ spec: { ports: { appProtocol?: string }[] } }>(
      `${paths.Service}/web-eu-1`,
    );
    expect(service.spec.ports[0]!.appProtocol).toBe("kubernetes.io/h2c");
    const hpa = await kube.get<{ spec: { minReplicas: number; maxReplicas: number } }>(
      `${paths.HorizontalPodAutoscaler}/web-eu-1`,
    );
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 4 });
  });

  it("runs the pods on kwok nodes of their region and lists them in status", async () => {
    const cr = await getCr("web");
    const nodes = await kube.get<{
      items: { metadata: { name: string; labels: Record<string, string> } }[];
    }>("/api/v1/nodes");
    const regionOf = new Map(
      nodes.items.map((n) => [n.metadata.name, n.metadata.labels["topology.kubernetes.io/region"]]),
    );
    const pods = await kube.get<{
      items: {
        metadata: { name: string; labels: Record<string, string> };
        spec: { nodeName: string };
        status: { phase: string };
      }[];
    }>(`/api/v1/namespaces/${ns}/pods?labelSelector=slipway.dev%2Fdeployment%3Dweb`);
    expect(pods.items).toHaveLength(3);
    for (const pod of pods.items) {
      expect(pod.status.phase).toBe("Running");
      expect(pod.spec.nodeName).toMatch(/^kwok-/);
      expect(regionOf.get(pod.spec.nodeName)).toBe(pod.metadata.labels["slipway.dev/region"]);
    }
    const regions = cr.status!.regions!;
    expect(regions.map((r) => [r.name, r.readyReplicas, r.instances.length])).toEqual([
      ["eu-1", 2, 2],
      ["us-1", 1, 1],
    ]);
    for (const region of regions) {
      for (const instance of region.instances) {
        expect(instance).toMatchObject({ region: region.name, phase: "Running", ready: true });
        expect(instance.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      }
    }
    expect(
      Object.fromEntries(
        cr.status!.conditions!.map((c) => [c.type, [c.status, c.reason, c.observedGeneration]]),
      ),
    ).toEqual({
      Ready: ["True", "Available", cr.metadata.generation],
      Progressing: ["False", "RolloutComplete", cr.metadata.generation],
      Degraded: ["False", "AsExpected", cr.metadata.generation],
    });
  });

  it("injects UNKEY_* env that the user's Secret cannot override, and a hardened pod", async () => {
    const pod = (
      await kube.get<{
        items: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } }[];
      }>(`/api/v1/namespaces/${ns}/pods?labelSelector=slipway.dev%2Fregion%3Deu-1`)
    ).items[0]!;
    const container = pod.spec.containers[0] as {
      env: { name: string; value?: string; valueFrom?: unknown }[];
      envFrom: unknown[];
      volumeMounts: { name: string; mountPath: string }[];
      resources: unknown;
      readinessProbe: unknown;
    };
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      UNKEY_DEPLOYMENT_ID: "web",
      UNKEY_ENVIRONMENT_SLUG: "production",
      UNKEY_REGION: "eu-1",
      UNKEY_INSTANCE_ID: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } },
      UNKEY_GIT_COMMIT_SHA: "abc123",
      UNKEY_GIT_BRANCH: "main",
      UNKEY_GIT_REPO: "acme/web",
      UNKEY_GIT_COMMIT_MESSAGE: "ship it",
      PORT: "8080",
      UNKEY_EPHEMERAL_DISK_PATH: "/data",
    });
    // The Secret comes in through envFrom; Kubernetes gives `env` precedence over it, so its
    // UNKEY_REGION and PORT never reach the process.
    expect(container.envFrom).toEqual([{ secretRef: { name: "web-env" } }]);
    expect(container.volumeMounts).toContainEqual({ name: "data", mountPath: "/data" });
    expect(pod.spec).toMatchObject({
      automountServiceAccountToken: false,
      enableServiceLinks: false,
    });
    expect(pod.spec.volumes).toContainEqual(
      expect.objectContaining({ name: "data", emptyDir: { sizeLimit: "512Mi" } }),
    );
    expect(container.resources).toEqual({
      requests: { cpu: "250m", memory: "256Mi" },
      limits: { cpu: "250m", memory: "256Mi" },
    });
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: "/healthz", port: "http" } });
  });

  it("writes nothing in steady state, however often it reconciles", async () => {
    await settled(op);
    const before = await resourceVersions();
    const writesBefore = op.writes().length;
    const crVersion = (await getCr("web")).metadata.resourceVersion;
    for (let i = 0; i < 5; i++) op.operator.queue.add(`${ns}/web`);
    await settled(op);
    expect(op.writes().slice(writesBefore)).toEqual([]);
    expect(await resourceVersions()).toEqual(before);
    expect((await getCr("web")).metadata.resourceVersion).toBe(crVersion);
  });

  it("scales to zero when idle and comes back when running again", async () => {
    await kube.apply(deploymentCrPath(ns, "web"), {
      apiVersion: "slipway.dev/v1alpha1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { desiredState: "idle" },
    });
    await eventually("web Idle with no pods and no HPA", async () => {
      const cr = await getCr("web");
      const pods = await kube.get<List>(
        `/api/v1/namespaces/${ns}/pods?labelSelector=slipway.dev%2Fdeployment%3Dweb`,
      );
      const hpas = await kube.get<List>(childPaths(ns).HorizontalPodAutoscaler);
      return cr.status?.phase === "Idle" && pods.items.length === 0 && hpas.items.length === 0
        ? cr
        : undefined;
    });
    const workloads = await kube.get<List>(childPaths(ns).Deployment);
    expect(workloads.items.map((w) => w.spec?.replicas)).toEqual([0, 0]);

    await kube.apply(deploymentCrPath(ns, "web"), {
      apiVersion: "slipway.dev/v1alpha1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { desiredState: "running" },
    });
    await readyCr("web", 3);
  });

  it("is a no-op after an operator restart", async () => {
    await settled(op);
    const before = await resourceVersions();
    await op.stop();
    op = await startTestOperator(ns);
    await settled(op);
    expect(op.writes()).toEqual([]);
    expect(await resourceVersions()).toEqual(before);
  });

  it("lets the garbage collector remove every child when the CR is deleted", async () => {
    await kube.remove(deploymentCrPath(ns, "web"));
    await eventually("every child of web to be gone", async () => {
      const remaining = await resourceVersions();
      const pods = await kube.get<List>(`/api/v1/namespaces/${ns}/pods`);
      return Object.keys(remaining).length === 0 && pods.items.length === 0 ? true : undefined;
    });
  });
});
