import { KubeApiError, KubeClient, readKubeconfigFile } from "@slipway/shared/kube";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compactEtcd } from "../../src/cluster/etcd-compaction.js";
import { REGION_LABEL } from "../../src/cluster/fake-nodes.js";
import { KwokNodeProvider } from "../../src/cluster/kwok-node-provider.js";
import { type Cluster, startCluster } from "../../src/cluster/start-cluster.js";
import { KUBERNETES_VERSION, readSettings } from "../../src/config.js";
import { eventually, freshNamespace as newNamespace } from "../../src/test-helpers.js";

const freshNamespace = (prefix: string) => newNamespace(kube, prefix);

/**
 * Runs against the real cluster the global setup started (or SLIPWAY_TEST_KUBECONFIG).
 * Each test uses its own namespace so they do not see each other's objects.
 */
let kube: KubeClient;

beforeAll(() => {
  const kubeconfig = process.env.KUBECONFIG;
  if (!kubeconfig) throw new Error("the testbed global setup did not set KUBECONFIG");
  kube = new KubeClient(readKubeconfigFile(kubeconfig));
});
afterAll(() => kube?.close());

interface Pod {
  metadata: { name: string };
  spec: { nodeName?: string };
  status: { phase?: string };
}

function deployment(name: string, replicas: number) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: "web", image: "registry.invalid/web:1", ports: [{ containerPort: 8080 }] },
          ],
        },
      },
    },
  };
}

describe("testbed cluster", () => {
  it("is a real Kubernetes of the pinned version with Ready kwok nodes in both regions", async () => {
    const version = await kube.get<{ gitVersion: string; major: string; minor: string }>(
      "/version",
    );
    expect(version.gitVersion).toBe(KUBERNETES_VERSION);
    expect(version.minor).toBe("34");

    const nodes = await kube.get<{
      items: {
        metadata: { labels: Record<string, string> };
        status: { conditions: { type: string; status: string }[] };
      }[];
    }>("/api/v1/nodes");
    expect(nodes.items.length).toBeGreaterThanOrEqual(2);
    expect(new Set(nodes.items.map((n) => n.metadata.labels[REGION_LABEL]))).toEqual(
      new Set(["eu-1", "us-1"]),
    );
    for (const node of nodes.items) {
      expect(node.status.conditions.find((c) => c.type === "Ready")?.status).toBe("True");
    }
  });

  it("serves a CRD and enforces its schema", async () => {
    const group = "testbed.slipway.dev";
    await kube.apply(
      `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.${group}`,
      {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: `widgets.${group}` },
        spec: {
          group,
          scope: "Namespaced",
          names: { plural: "widgets", singular: "widget", kind: "Widget" },
          versions: [
            {
              name: "v1",
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: "object",
                  properties: {
                    spec: {
                      type: "object",
                      required: ["size"],
                      properties: { size: { type: "integer", minimum: 1 } },
                    },
                  },
                },
              },
            },
          ],
        },
      },
      { fieldManager: "testbed-test", force: false },
    );
    await eventually("the CRD to be Established", async () => {
      const crd = await kube.get<{ status?: { conditions?: { type: string; status: string }[] } }>(
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.${group}`,
      );
      return crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")
        ? true
        : undefined;
    });
    const ns = await freshNamespace("crd");
    const path = `/apis/${group}/v1/namespaces/${ns}/widgets`;
    const widget = (size: unknown) => ({
      apiVersion: `${group}/v1`,
      kind: "Widget",
      metadata: { name: `w-${String(size)}` },
      spec: { size },
    });
    // The apiserver may need a moment before it serves a just-established CRD.
    await eventually("the widget to be created", async () => kube.create(path, widget(3)));
    const invalid = await kube.raw("POST", path, widget("big"));
    expect(invalid.status).toBe(422);
    expect(invalid.text).toContain("spec.size");
  });

  it("runs a Deployment's pods on kwok nodes, accepts its HPA, and garbage-collects them with it", async () => {
    const ns = await freshNamespace("deploy");
    await kube.create(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment("web", 3));

    const pods = await eventually("3 Running pods on kwok nodes", async () => {
      const list = await kube.get<{ items: Pod[] }>(
        `/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dweb`,
      );
      const running = list.items.filter(
        (p) => p.status.phase === "Running" && p.spec.nodeName?.startsWith("kwok-"),
      );
      return running.length === 3 ? running : undefined;
    });
    expect(pods).toHaveLength(3);

    const hpa = (minReplicas: number, maxReplicas: number) => ({
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: `web-${minReplicas}-${maxReplicas}` },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
        minReplicas,
        maxReplicas,
        metrics: [
          {
            type: "Resource",
            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
          },
        ],
      },
    });
    await kube.create(`/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`, hpa(2, 5));
    const rejected = await kube.raw(
      "POST",
      `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`,
      hpa(5, 2),
    );
    expect(rejected.status).toBe(422);

    // Background propagation: the garbage collector deletes the ReplicaSet and pods.
    await kube.remove(`/apis/apps/v1/namespaces/${ns}/deployments/web`);
    await eventually("the ReplicaSet and pods to be garbage-collected", async () => {
      const rs = await kube.get<{ items: unknown[] }>(`/apis/apps/v1/namespaces/${ns}/replicasets`);
      const pods = await kube.get<{ items: unknown[] }>(`/api/v1/namespaces/${ns}/pods`);
      return rs.items.length === 0 && pods.items.length === 0 ? true : undefined;
    });
  });

  it("reports server-side apply conflicts between field managers", async () => {
    const ns = await freshNamespace("ssa");
    const path = `/api/v1/namespaces/${ns}/configmaps/settings`;
    const cm = (value: string) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "settings" },
      data: { mode: value },
    });
    await kube.apply(path, cm("a"), { fieldManager: "operator", force: false });
    const conflict = await kube
      .apply(path, cm("b"), { fieldManager: "someone-else", force: false })
      .catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(KubeApiError);
    expect((conflict as KubeApiError).status).toBe(409);
    await kube.apply(path, cm("b"), { fieldManager: "someone-else", force: true });
  });
});

describe("a testbed cluster without the watch cache", () => {
  let second: Cluster;
  beforeAll(async () => {
    const settings = { ...readSettings(process.env), kwokNodes: 1 };
    second = await startCluster({
      settings,
      log: () => undefined,
      watchCache: false,
      nodeProviders: [new KwokNodeProvider(1)],
    });
  });
  afterAll(async () => {
    await second?.stop();
  });

  it("answers a watch from a compacted resourceVersion with 410 Gone", async () => {
    const path = "/api/v1/namespaces/default/configmaps";
    const first = await second.client.create<{ metadata: { resourceVersion: string } }>(path, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "first" },
    });
    await second.client.create(path, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "second" },
    });
    const watchFromFirst = `${path}?watch=true&resourceVersion=${first.metadata.resourceVersion}&timeoutSeconds=1`;
    // Before compaction the old resourceVersion is still watchable ...
    const before = await second.client.raw("GET", watchFromFirst);
    expect(before.status).toBe(200);
    expect(before.text).toContain('"name":"second"');
    // ... after compacting past it (the apiserver does this every 5 minutes) it is gone. The
    // watch starts at first+1; one more write makes sure compaction reaches beyond that.
    await second.client.create(path, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "third" },
    });
    await compactEtcd(second.etcdUrl);
    // The apiserver reports it as an ERROR event carrying a 410 Status and ends the watch;
    // the long timeout only matters if that event is slow to come on a loaded machine.
    const after = await second.client.raw(
      "GET",
      watchFromFirst.replace("timeoutSeconds=1", "timeoutSeconds=30"),
      undefined,
      "application/json",
      40_000,
    );
    expect(after.status).toBe(200);
    expect(after.text).toMatch(/"type":"ERROR".*"reason":"Expired".*"code":410/);
  });
});
