import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { slipwayCacheDir } from "@slipway/shared/go-build";
import { InvalidSettingError } from "@slipway/shared/tool-errors";

/**
 * Pinned versions. They must match the `require` lines of the wrapper modules under
 * testbed/go/; `npm run generate-wrappers` rewrites those from these constants.
 * Kubernetes 1.34 is the last release whose kubelet runs on cgroup v1 without extra flags.
 */
export const KUBERNETES_VERSION = "v1.34.4";
export const ETCD_VERSION = "v3.6.16";
export const KWOK_VERSION = "v0.8.0";

/** The component binaries one testbed build produces. */
export const KUBERNETES_COMPONENTS = [
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "kubelet",
  "kube-proxy",
  "kubectl",
] as const;
export type KubernetesComponent = (typeof KUBERNETES_COMPONENTS)[number];

export const REGIONS = ["eu-1", "us-1"] as const;

/** testbed/ in the repository (this file lives in testbed/src). */
export const TESTBED_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const WRAPPERS_DIR = join(TESTBED_DIR, "go");

export interface TestbedSettings {
  /** Root of everything the testbed keeps outside the repository. */
  cacheDir: string;
  /** Where one pinned build lives, e.g. ~/.cache/slipway/k8s-v1.34.4-etcd-v3.6.16-kwok-v0.8.0. */
  binDir: string;
  /** Where `cluster:up` records the running cluster for `cluster:down`. */
  stateFile: string;
  kwokNodes: number;
  /** Start the real node (containerd + kubelet on this machine) beside the kwok nodes. */
  realNode: boolean;
  /** The real node's pod subnet; the bridge holds its first address. */
  realNodeSubnet: string;
}

/** Reads SLIPWAY_* variables; pure so it can be unit tested with a fake env. */
export function readSettings(env: NodeJS.ProcessEnv, home: string = homedir()): TestbedSettings {
  const cacheDir = slipwayCacheDir(env, home);
  const rawRealNode = env.SLIPWAY_REAL_NODE ?? "0";
  if (!["0", "1", "false", "true"].includes(rawRealNode)) {
    throw new InvalidSettingError(`SLIPWAY_REAL_NODE must be 1 or 0, got "${rawRealNode}"`);
  }
  const realNode = rawRealNode === "1" || rawRealNode === "true";
  const rawNodes = env.SLIPWAY_KWOK_NODES ?? "4";
  const kwokNodes = Number(rawNodes);
  // With a real node there is a node to run pods on even without kwok.
  const minNodes = realNode ? 0 : 1;
  if (!Number.isInteger(kwokNodes) || kwokNodes < minNodes || kwokNodes > 500) {
    throw new InvalidSettingError(
      `SLIPWAY_KWOK_NODES must be a whole number from ${minNodes} to 500, got "${rawNodes}"`,
    );
  }
  const realNodeSubnet = env.SLIPWAY_REAL_NODE_SUBNET ?? "10.245.0.0/24";
  if (!/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(realNodeSubnet)) {
    throw new InvalidSettingError(
      `SLIPWAY_REAL_NODE_SUBNET must be an IPv4 CIDR such as 10.245.0.0/24, got "${realNodeSubnet}"`,
    );
  }
  return {
    cacheDir,
    binDir: join(cacheDir, buildDirName()),
    stateFile: join(cacheDir, "cluster", "state.json"),
    kwokNodes,
    realNode,
    realNodeSubnet,
  };
}

/** Names the cache directory after every pinned version so a version bump never reuses stale binaries. */
export function buildDirName(): string {
  return `k8s-${KUBERNETES_VERSION}-etcd-${ETCD_VERSION}-kwok-${KWOK_VERSION}`;
}
