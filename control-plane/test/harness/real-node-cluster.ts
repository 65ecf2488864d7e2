import {
  type Cluster,
  holdRealNodeLock,
  KwokNodeProvider,
  REAL_NODE_LABEL,
  RealNodeProvider,
  readSettings,
  realNodeLockFile,
  startCluster,
} from "@slipway/testbed";
import { afterAll } from "vitest";
import { startTestCluster, type TestCluster } from "./cluster.js";

export interface RealNodeTestCluster extends TestCluster {
  cluster: Cluster;
  node: RealNodeProvider;
}

interface NodeObject {
  spec: { taints?: { key: string; effect: string }[] };
}

/**
 * A cluster of this file's own whose only node is the testbed's real node (containerd, CNI
 * bridge, kubelet: pods run and get real addresses the host reaches), with the operator of
 * `startTestCluster` watching a fresh namespace. Taken under the machine's real-node lock (one
 * real node per machine), released when the file ends.
 *
 * The testbed taints the real node so that only pods that choose it land there; the operator's
 * workloads do not know the testbed, and here the real node is the only node, so the taint
 * is removed.
 */
export async function startRealNodeCluster(): Promise<RealNodeTestCluster> {
  const settings = readSettings(process.env);
  const lock = await holdRealNodeLock(realNodeLockFile(settings));
  const node = new RealNodeProvider();
  let cluster: Cluster | undefined;
  // Registered first, so it runs last: after the operator and the namespace are gone.
  afterAll(async () => {
    await cluster?.stop();
    await lock.release();
  });
  cluster = await startCluster({
    settings,
    log: (line) => console.log(`[real-node e2e] ${line}`),
    nodeProviders: [node, new KwokNodeProvider(0)],
  });
  const nodePath = `/api/v1/nodes/${node.nodeName}`;
  const nodeObject = await cluster.client.get<NodeObject>(nodePath);
  nodeObject.spec.taints = (nodeObject.spec.taints ?? []).filter((t) => t.key !== REAL_NODE_LABEL);
  await cluster.client.replace(nodePath, nodeObject);
  process.env.KUBECONFIG = cluster.kubeconfig;
  return { ...(await startTestCluster()), cluster, node };
}
