import { chmod, copyFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type ClusterState,
  cleanupDeadNodeHost,
  DEFAULT_REAL_NODE_DIR,
  KwokNodeProvider,
  RealNodeProvider,
  readCompleteBuild,
  readSettings,
  startCluster,
  stopRecordedCluster,
  writeClusterState,
} from "@slipway/testbed";
import type { ClusterSource } from "./start-plan.js";

export interface LocalCluster {
  kubeconfig: string;
  /** host:port of the registry the node pulls from, when the cluster brings one. */
  registryHost?: string;
  description: string;
  stop(): Promise<void>;
}

export function clusterStateFile(dataDir: string): string {
  return join(dataDir, "cluster-state.json");
}

/** Stops a testbed cluster this data dir records, also one still starting. */
export async function stopRecordedLocalCluster(dataDir: string): Promise<void> {
  await stopRecordedCluster(clusterStateFile(dataDir));
}

/**
 * The cluster deployments go to: the one KUBECONFIG names, untouched; or the testbed's
 * control plane with the real node. The testbed's processes are recorded under the data dir
 * as they start, so a start that was killed is cleaned up by the next one.
 */
export async function startLocalCluster(
  source: ClusterSource,
  dataDir: string,
  log: (line: string) => void,
): Promise<LocalCluster> {
  if (source.kind === "existing") {
    return {
      kubeconfig: source.kubeconfig,
      description: `the cluster of KUBECONFIG=${source.kubeconfig}`,
      stop: async () => undefined,
    };
  }
  const settings = readSettings({
    ...process.env,
    SLIPWAY_REAL_NODE: "1",
    // Deployments run on the real node; fake nodes would only take pods that never run.
    SLIPWAY_KWOK_NODES: process.env.SLIPWAY_KWOK_NODES ?? "0",
  });
  const stateFile = clusterStateFile(dataDir);
  if (await stopRecordedCluster(stateFile)) log("stopped a cluster left by an earlier start");
  if (await cleanupDeadNodeHost(DEFAULT_REAL_NODE_DIR)) {
    log(`cleaned up what a killed real node left in ${DEFAULT_REAL_NODE_DIR}`);
  }
  if (!(await readCompleteBuild(settings.binDir))) {
    log(
      "First start: building Kubernetes, etcd and kwok from Go source (20-40 min on 2 cores; " +
        `progress below). They are cached in ${settings.binDir}: later starts take seconds.`,
    );
  }
  const state: ClusterState = {
    version: 1,
    startedAt: new Date().toISOString(),
    workDir: "",
    kubeconfig: "",
    server: "",
    realNodeDir: DEFAULT_REAL_NODE_DIR,
    components: [],
  };
  let pendingWrite = Promise.resolve();
  const cluster = await startCluster({
    settings,
    log,
    // Kept under the data dir: the cluster's objects (deployments' CRs, Secrets) and the images
    // it runs survive a restart, and the real node brings the deployments' pods back.
    etcdDataDir: join(dataDir, "etcd"),
    nodeProviders: [
      new RealNodeProvider({
        subnet: settings.realNodeSubnet,
        registryDataDir: join(dataDir, "registry"),
        // Apps' pods carry no toleration: here the real node is where they run.
        schedulable: true,
      }),
      new KwokNodeProvider(settings.kwokNodes),
    ],
    onComponentStarted: (component, workDir) => {
      state.workDir = workDir;
      state.components.push({ ...component });
      pendingWrite = pendingWrite.then(() => writeClusterState(stateFile, state));
    },
  });
  await pendingWrite;
  // One path for people and tools across restarts (the cluster's own lives in its temp dir).
  const kubeconfig = join(dataDir, "kubeconfig");
  await copyFile(cluster.kubeconfig, kubeconfig);
  await chmod(kubeconfig, 0o600);
  await writeClusterState(stateFile, {
    ...state,
    kubeconfig,
    server: cluster.server,
  });
  const registryHost = cluster.realNode?.registryUrl.replace(/^https?:\/\//, "");
  return {
    kubeconfig,
    ...(registryHost ? { registryHost } : {}),
    description: `testbed cluster at ${cluster.server} with the real node ${cluster.realNode?.nodeName ?? "?"}`,
    stop: async () => {
      await cluster.stop();
      await stopRecordedCluster(stateFile);
    },
  };
}
