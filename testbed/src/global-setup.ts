/**
 * Vitest global setup: one real cluster per test run. Other packages use it with
 *   test: { globalSetup: ["@slipway/testbed/global-setup"] }
 * Tests then find the admin kubeconfig in process.env.KUBECONFIG (or inject("kubeconfig")),
 * and etcd's URL in process.env.SLIPWAY_TEST_ETCD_URL (for compactEtcd in watch tests).
 * The first run on a machine builds the binaries (20-40 min); later runs start in seconds.
 * Set SLIPWAY_TEST_KUBECONFIG (and SLIPWAY_TEST_ETCD_URL) to use a running cluster instead.
 */
import { readSettings } from "./config.js";
import { startCluster } from "./cluster/start-cluster.js";

interface ProvideTarget {
  provide?: (key: string, value: unknown) => void;
}

export default async function setup(project?: ProvideTarget): Promise<() => Promise<void>> {
  const existing = process.env.SLIPWAY_TEST_KUBECONFIG;
  if (existing) {
    process.env.KUBECONFIG = existing;
    project?.provide?.("kubeconfig", existing);
    return async () => undefined;
  }
  const log = (line: string) => console.log(`[testbed] ${line}`);
  const cluster = await startCluster({ settings: readSettings(process.env), log });
  process.env.SLIPWAY_TEST_ETCD_URL = cluster.etcdUrl;
  log(`cluster ready in ${cluster.startSeconds.toFixed(1)} s at ${cluster.server}`);
  const previous = process.env.KUBECONFIG;
  process.env.KUBECONFIG = cluster.kubeconfig;
  project?.provide?.("kubeconfig", cluster.kubeconfig);
  // If vitest is killed rather than finishing, still take the cluster down.
  const onSignal = () => {
    void cluster.stop().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return async () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await cluster.stop();
    if (previous === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = previous;
    log("cluster stopped");
  };
}
