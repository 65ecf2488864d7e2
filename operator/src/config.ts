/** Operator settings, read once at boot from the environment (see README). */
export interface OperatorConfig {
  /** Namespace whose pods (Sentinel) may reach app pods; the NetworkPolicy admits only it. */
  sentinelNamespace: string;
  /** `emptyDir` (sizeLimit) works everywhere; `ephemeral` needs a StorageClass. */
  diskMode: "emptyDir" | "ephemeral";
  /** StorageClass of generic ephemeral volumes; unset means the cluster default. */
  diskStorageClass?: string;
  /** Pods run with runAsNonRoot; turn off for images that need root. */
  runAsNonRoot: boolean;
  /** Watch only this namespace; unset watches all. */
  watchNamespace?: string;
  workers: number;
  metricsPort: number;
  /**
   * How long a container may wait with a reason a real kubelet reports for a moment on a
   * healthy start (`CreateContainerConfigError`, `ErrImagePull`, …) before it counts as failing.
   */
  waitGraceSeconds: number;
  leaderElection: {
    enabled: boolean;
    namespace: string;
    leaseName: string;
    identity: string;
    leaseDurationSeconds: number;
    renewIntervalMs: number;
  };
  installCrds: boolean;
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = "ConfigError";
  }
}

export const defaultConfig: OperatorConfig = {
  sentinelNamespace: "slipway-system",
  diskMode: "emptyDir",
  runAsNonRoot: true,
  // Reconciles wait on the apiserver, not the CPU: 2 managed about 2 reconciles/s (BENCHMARKS.md).
  workers: 16,
  metricsPort: 9090,
  waitGraceSeconds: 30,
  leaderElection: {
    enabled: true,
    namespace: "slipway-system",
    leaseName: "slipway-operator",
    identity: "slipway-operator",
    leaseDurationSeconds: 15,
    renewIntervalMs: 5_000,
  },
  installCrds: false,
};

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number) {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean) {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

/** Validates every variable once; a bad value stops the process with its name. */
export function readConfig(env: NodeJS.ProcessEnv, hostname: string): OperatorConfig {
  const diskMode = env.SLIPWAY_DISK_MODE || defaultConfig.diskMode;
  if (diskMode !== "emptyDir" && diskMode !== "ephemeral") {
    throw new ConfigError("SLIPWAY_DISK_MODE", `must be emptyDir or ephemeral, got "${diskMode}"`);
  }
  const namespace = env.SLIPWAY_OPERATOR_NAMESPACE || defaultConfig.leaderElection.namespace;
  return {
    sentinelNamespace: env.SLIPWAY_SENTINEL_NAMESPACE || defaultConfig.sentinelNamespace,
    diskMode,
    diskStorageClass: env.SLIPWAY_DISK_STORAGE_CLASS || undefined,
    runAsNonRoot: boolean(env, "SLIPWAY_RUN_AS_NON_ROOT", defaultConfig.runAsNonRoot),
    watchNamespace: env.SLIPWAY_WATCH_NAMESPACE || undefined,
    workers: integer(env, "SLIPWAY_WORKERS", defaultConfig.workers, 1, 64),
    metricsPort: integer(env, "SLIPWAY_METRICS_PORT", defaultConfig.metricsPort, 0, 65535),
    waitGraceSeconds: integer(
      env,
      "SLIPWAY_WAIT_GRACE_SECONDS",
      defaultConfig.waitGraceSeconds,
      0,
      600,
    ),
    leaderElection: {
      enabled: boolean(env, "SLIPWAY_LEADER_ELECTION", true),
      namespace,
      leaseName: env.SLIPWAY_LEASE_NAME || defaultConfig.leaderElection.leaseName,
      identity: env.POD_NAME || hostname,
      leaseDurationSeconds: integer(env, "SLIPWAY_LEASE_DURATION_SECONDS", 15, 2, 300),
      renewIntervalMs: integer(env, "SLIPWAY_LEASE_RENEW_MS", 5_000, 100, 60_000),
    },
    installCrds: boolean(env, "SLIPWAY_INSTALL_CRDS", false),
  };
}
