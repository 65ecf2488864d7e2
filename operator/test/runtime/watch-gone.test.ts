import { deploymentCrPath, type SlipwayDeployment } from "@slipway/shared";
import { KubeClient, loadKubeConnection } from "@slipway/shared/kube";
import {
  type Cluster,
  compactEtcd,
  KwokNodeProvider,
  readSettings,
  startCluster,
} from "@slipway/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installCrds } from "../../src/crd/install-crds.js";
import { eventually, freshNamespace, sampleDeployment } from "../helpers.js";
import { startTestOperator, type TestOperator } from "../operator-harness.js";

/**
 * A second cluster without the watch cache, so a watch from a compacted resourceVersion gets
 * a real 410 Gone (the cached apiserver would answer it from memory).
 */
let cluster: Cluster;
let kube: KubeClient;
let op: TestOperator;
let region: string;

beforeAll(async () => {
  const settings = { ...readSettings(process.env), kwokNodes: 1 };
  cluster = await startCluster({
    settings,
    log: () => undefined,
    watchCache: false,
    nodeProviders: [new KwokNodeProvider(1)],
  });
  kube = new KubeClient(loadKubeConnection({ KUBECONFIG: cluster.kubeconfig }));
  await installCrds(kube);
  const nodes = await kube.get<{ items: { metadata: { labels: Record<string, string> } }[] }>(
    "/api/v1/nodes",
  );
  region = nodes.items[0]!.metadata.labels["topology.kubernetes.io/region"]!;
}, 180_000);

afterAll(async () => {
  await op?.stop();
  kube?.close();
  await cluster?.stop();
});

const readyCr = (ns: string, name: string) =>
  eventually(`${name} Ready`, async () => {
    const cr = await kube.get<SlipwayDeployment>(deploymentCrPath(ns, name));
    return cr.status?.phase === "Ready" ? cr : undefined;
  });

describe("watches answered with 410 Gone", () => {
  it("relist and keep reconciling", async () => {
    const ns = await freshNamespace(kube, "gone");
    const other = await freshNamespace(kube, "churn");
    op = await startTestOperator(ns, {}, { client: kube, watchTimeoutSeconds: 1 });
    const spec = { regions: [{ name: region, replicas: { min: 1, max: 1 } }] };
    await kube.create(deploymentCrPath(ns), sampleDeployment("first", spec));
    await readyCr(ns, "first");

    // Move etcd's revision past everything the operator has seen, then compact it away.
    for (let i = 0; i < 5; i++) {
      await kube.create(`/api/v1/namespaces/${other}/configmaps`, {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `churn-${i}` },
      });
    }
    await compactEtcd(cluster.etcdUrl);
    await eventually("the informers to relist", async () =>
      op.metrics.value("slipway_operator_watch_relists_total") > 0 ? true : undefined,
    );

    await kube.create(deploymentCrPath(ns), sampleDeployment("second", spec));
    const second = await readyCr(ns, "second");
    expect(second.status?.regions?.[0]?.instances).toHaveLength(1);
  });
});
