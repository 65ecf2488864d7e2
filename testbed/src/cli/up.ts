import { copyFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  type ClusterState,
  readClusterState,
  writeClusterState,
} from "../cluster/cluster-state.js";
import type { ComponentRecord } from "../cluster/components.js";
import { startCluster } from "../cluster/start-cluster.js";
import { isRecordedClusterRunning, stopRecordedCluster } from "../cluster/stop-cluster.js";
import { REGIONS, readSettings } from "../config.js";
import { REAL_NODE_LABEL } from "../real-node/node-config.js";
import { cleanupDeadNodeHost } from "../real-node/node-host.js";
import { DEFAULT_REAL_NODE_DIR } from "../real-node/real-node-provider.js";
import { log, runCli } from "./run-cli.js";

runCli(async () => {
  // `--real-node` is SLIPWAY_REAL_NODE=1 for this run. Through the root script
  // (`npm run cluster:up -- --real-node`) npm takes the flag as its own config and hands it
  // over as npm_config_real_node.
  const realNodeFlag =
    process.argv.includes("--real-node") || process.env.npm_config_real_node === "true"
      ? { SLIPWAY_REAL_NODE: "1" }
      : {};
  const settings = readSettings({ ...process.env, ...realNodeFlag });
  const stableKubeconfig = join(dirname(settings.stateFile), "kubeconfig");
  const kubectl = join(settings.binDir, "kubectl");

  const previous = await readClusterState(settings.stateFile);
  if (previous && isRecordedClusterRunning(previous)) {
    log(
      `A testbed cluster is already running (${previous.server}, started ${previous.startedAt}).`,
    );
    printUsage(stableKubeconfig, kubectl, previous.etcdUrl);
    return;
  }
  if (previous) {
    log("Cleaning up a previous testbed cluster that is no longer complete.");
    await stopRecordedCluster(settings.stateFile);
  }
  // A real node whose run was killed before it recorded itself anywhere else.
  if (await cleanupDeadNodeHost(DEFAULT_REAL_NODE_DIR)) {
    log(`Cleaned up what a killed real node left in ${DEFAULT_REAL_NODE_DIR}.`);
  }

  // Record each process as it starts, so `cluster:down` can clean up even after Ctrl-C.
  const state: ClusterState = {
    version: 1,
    startedAt: new Date().toISOString(),
    workDir: "",
    kubeconfig: stableKubeconfig,
    server: "",
    ...(settings.realNode ? { realNodeDir: DEFAULT_REAL_NODE_DIR } : {}),
    components: [],
  };
  let pendingWrite: Promise<void> = Promise.resolve();
  const record = (component: ComponentRecord, workDir: string) => {
    state.workDir = workDir;
    state.components.push({ ...component });
    pendingWrite = pendingWrite.then(() => writeClusterState(settings.stateFile, state));
  };
  const interrupted = () => {
    log("\nInterrupted; stopping what was started.");
    void pendingWrite
      .then(() => stopRecordedCluster(settings.stateFile))
      .finally(() => process.exit(130));
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);

  log(
    `Starting a Kubernetes testbed cluster with ${settings.kwokNodes} kwok nodes${settings.realNode ? " and the real node" : ""} ...`,
  );
  const cluster = await startCluster({ settings, log, onComponentStarted: record });
  await pendingWrite;
  await mkdir(dirname(stableKubeconfig), { recursive: true });
  await copyFile(cluster.kubeconfig, stableKubeconfig);
  await writeClusterState(settings.stateFile, {
    ...state,
    server: cluster.server,
    etcdUrl: cluster.etcdUrl,
  });

  log(
    `\nCluster ready in ${cluster.startSeconds.toFixed(1)} s: ${cluster.server}, ` +
      `${settings.kwokNodes} kwok nodes in regions ${REGIONS.join(", ")}. Logs: ${join(cluster.workDir, "logs")}`,
  );
  if (cluster.realNode) {
    log(
      `Real node ${cluster.realNode.nodeName} (region eu-1, pods on ${cluster.realNode.subnet}): ` +
        `select it with nodeSelector ${REAL_NODE_LABEL}: "true" and tolerate the taint of that key. ` +
        `Push images to ${cluster.realNode.registryUrl}; containerd pulls docker.io/... and registry.k8s.io/... names from there.`,
    );
  }
  printUsage(stableKubeconfig, kubectl, cluster.etcdUrl);
});

function printUsage(kubeconfig: string, kubectl: string, etcdUrl: string | undefined): void {
  log(`
  export KUBECONFIG=${kubeconfig}
  ${kubectl} get nodes -L topology.kubernetes.io/region

Use any kubectl (the testbed's is above) or client library with that KUBECONFIG.
To run tests against this cluster instead of a fresh one per run:
  SLIPWAY_TEST_KUBECONFIG=${kubeconfig} SLIPWAY_TEST_ETCD_URL=${etcdUrl ?? ""} npm test
Stop everything with: npm run cluster:down`);
}
