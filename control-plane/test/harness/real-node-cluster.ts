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
import { startTestCluster, type TestCluster } from "./cluster.js";

export interface RealNodeTestCluster extends TestCluster {
  cluster: Cluster;
  node: RealNodeProvider;
  /** Stops the cluster, cleans the real node and releases the lock; call from `afterAll`. */
  stop(): Promise<void>;
}

interface NodeObject {
  spec: { taints?: { key: string; effect: string }[] };
}

/**
 * A cluster of this file's own whose only node is the testbed's real node (containerd, CNI
 * bridge, kubelet: pods run and get real addresses the host reaches), with the operator of
 * `startTestCluster` watching a fresh namespace. Taken under the machine's real-node lock (one
 * real node per machine), released by `stop`.
 *
 * `stop` is the caller's: register it with `onHarnessTeardown` before the other harnesses
 * start, so it runs after their closers (which still need the cluster); a cluster left
 * running would hold the real node for ever.
 *
 * The testbed taints the real node so that only pods that choose it land there; the operator's
 * workloads do not know the testbed, and here the real node is the only node, so the taint
 * is removed.
 */
export async function startRealNodeCluster(): Promise<RealNodeTestCluster> {
  const settings = readSettings(process.env);
  const lock = await holdRealNodeLock(realNodeLockFile(settings));
  const node = new RealNodeProvider();
  let cluster: Cluster;
  try {
    cluster = await startCluster({
      settings,
      log: (line) => console.log(`[real-node e2e] ${line}`),
      nodeProviders: [node, new KwokNodeProvider(0)],
    });
  } catch (error) {
    await lock.release();
    throw error;
  }
  const stop = async () => {
    await cluster.stop();
    await lock.release();
  };
  try {
    const nodePath = `/api/v1/nodes/${node.nodeName}`;
    const nodeObject = await cluster.client.get<NodeObject>(nodePath);
    nodeObject.spec.taints = (nodeObject.spec.taints ?? []).filter(
      (taint) => taint.key !== REAL_NODE_LABEL,
    );
    await cluster.client.replace(nodePath, nodeObject);
    process.env.KUBECONFIG = cluster.kubeconfig;
    return { ...(await startTestCluster()), cluster, node, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
