/**
 * Vitest global setup: one real cluster per test run. Other packages use it with
 *   test: { globalSetup: ["@slipway/testbed/global-setup"] }
 * Tests then find the admin kubeconfig in process.env.KUBECONFIG (or inject("kubeconfig")),
 * and etcd's URL in process.env.SLIPWAY_TEST_ETCD_URL (for compactEtcd in watch tests).
 * The first run on a machine builds the binaries (20-40 min); later runs start in seconds.
 * Set SLIPWAY_TEST_KUBECONFIG (and SLIPWAY_TEST_ETCD_URL) to use a running cluster instead.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { isPidAlive } from "@slipway/shared/processes";
import { removeClusterState, writeClusterState } from "./cluster/cluster-state.js";
import { startCluster } from "./cluster/start-cluster.js";
import { stopRecordedCluster } from "./cluster/stop-cluster.js";
import { readSettings } from "./config.js";

interface ProvideTarget {
  provide?: (key: string, value: unknown) => void;
}

/**
 * Test files that start clusters of their own (the real node's) record them as
 * `<runsDir>/<this pid>-<name>.json`, so a run that is killed leaves nothing the next run's
 * setup does not stop.
 */
export const TEST_RUN_PID_KEY = "slipwayTestRunPid";

export default async function setup(project?: ProvideTarget): Promise<() => Promise<void>> {
  project?.provide?.(TEST_RUN_PID_KEY, process.pid);
  const existing = process.env.SLIPWAY_TEST_KUBECONFIG;
  if (existing) {
    process.env.KUBECONFIG = existing;
    project?.provide?.("kubeconfig", existing);
    return async () => undefined;
  }
  const log = (line: string) => console.log(`[testbed] ${line}`);
  const settings = readSettings(process.env);
  // A test run that was SIGKILLed could not tear its cluster down; do it now.
  const runsDir = join(settings.cacheDir, "test-clusters");
  await stopClustersOfDeadRuns(runsDir, log);
  const stateFile = join(runsDir, `${process.pid}.json`);
  const cluster = await startCluster({ settings, log });
  await writeClusterState(stateFile, {
    version: 1,
    startedAt: new Date().toISOString(),
    workDir: cluster.workDir,
    kubeconfig: cluster.kubeconfig,
    server: cluster.server,
    etcdUrl: cluster.etcdUrl,
    ...(cluster.realNode ? { realNodeDir: cluster.realNode.dir } : {}),
    components: cluster.components,
  });
  process.env.SLIPWAY_TEST_ETCD_URL = cluster.etcdUrl;
  log(`cluster ready in ${cluster.startSeconds.toFixed(1)} s at ${cluster.server}`);
  const previous = process.env.KUBECONFIG;
  process.env.KUBECONFIG = cluster.kubeconfig;
  project?.provide?.("kubeconfig", cluster.kubeconfig);
  // If vitest is killed rather than finishing, still take the cluster down.
  const onSignal = () => {
    void cluster
      .stop()
      .then(() => removeClusterState(stateFile))
      .finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return async () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await cluster.stop();
    await removeClusterState(stateFile);
    if (previous === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = previous;
    log("cluster stopped");
  };
}

async function stopClustersOfDeadRuns(runsDir: string, log: (line: string) => void): Promise<void> {
  let files: string[] = [];
  try {
    files = await readdir(runsDir);
  } catch {
    return;
  }
  for (const file of files) {
    // <pid>.json (this setup's cluster) or <pid>-<name>.json (a test file's own clusters).
    const pid = Number(/^(\d+)(?:-[\w.-]+)?\.json$/.exec(file)?.[1]);
    if (!Number.isInteger(pid) || isPidAlive(pid)) continue;
    const state = await stopRecordedCluster(join(runsDir, file));
    if (state) log(`stopped a cluster left behind by test run ${pid} (${state.workDir})`);
  }
}
