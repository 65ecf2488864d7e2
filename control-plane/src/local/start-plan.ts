/**
 * Pure: what `npm start` starts, in which order, decided from the environment alone. The
 * services are stopped in the reverse of this order (a later service depends on earlier ones).
 */

export type ServiceName =
  | "postgres"
  | "redis"
  | "cluster"
  | "registry"
  | "buildkitd"
  | "operator"
  | "control-plane"
  | "sentinel";

export type ClusterSource =
  /** The cluster `KUBECONFIG` names: used as it is, never started or stopped here. */
  | { kind: "existing"; kubeconfig: string }
  /** The testbed's control plane with the real node (containerd + kubelet on this machine). */
  | { kind: "testbed"; realNode: true };

export interface StartPlan {
  /** In start order. */
  services: ServiceName[];
  cluster: ClusterSource;
  /**
   * Where images go: the real node's registry (containerd pulls from it, one registry for
   * both) or a registry of our own next to buildkitd when the cluster is someone else's.
   */
  registry: "real-node" | "own";
  /** Sentinel's listen port (SENTINEL_PORT, default 8080). */
  sentinelPort: number;
  /** The base domain of deployments' default hostnames: `.localhost` names need no DNS. */
  previewDomain: string;
}

export class StartPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartPlanError";
  }
}

/** `.localhost` resolves to loopback in curl, browsers and glibc's resolver, without DNS setup. */
export const LOCAL_PREVIEW_DOMAIN = "slipway.localhost";
const DEFAULT_SENTINEL_PORT = 8080;

export function makeStartPlan(env: Record<string, string | undefined>): StartPlan {
  const kubeconfig = env.KUBECONFIG?.trim();
  const cluster: ClusterSource = kubeconfig
    ? { kind: "existing", kubeconfig }
    : { kind: "testbed", realNode: true };
  const registry = cluster.kind === "testbed" ? "real-node" : "own";
  const services: ServiceName[] = [
    "postgres",
    "redis",
    // The real node brings its registry up with it; otherwise ours starts beside buildkitd.
    ...(registry === "real-node" ? (["cluster"] as const) : (["cluster", "registry"] as const)),
    "buildkitd",
    "operator",
    "control-plane",
    "sentinel",
  ];
  return {
    services,
    cluster,
    registry,
    sentinelPort: port(env.SENTINEL_PORT, DEFAULT_SENTINEL_PORT, "SENTINEL_PORT"),
    previewDomain: env.SLIPWAY_PREVIEW_DOMAIN || LOCAL_PREVIEW_DOMAIN,
  };
}

function port(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new StartPlanError(`${name} must be a port from 1 to 65535, got "${raw}"`);
  }
  return value;
}
