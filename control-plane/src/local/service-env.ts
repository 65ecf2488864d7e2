/**
 * Pure: the environment each service of `npm start` runs with, from the addresses of the
 * services started before it. The user's own variables come first so any of them can be
 * overridden; what wires the services together comes last and always wins.
 */

type Env = Record<string, string | undefined>;

export interface Backing {
  databaseUrl: string;
  redisUrl: string;
  kubeconfig: string;
}

/** The one region the local platform has: the real node's (and the testbed's first). */
export const LOCAL_REGION = "eu-1";
export const LOCAL_APPS_NAMESPACE = "slipway-apps";

export function controlPlaneEnv(
  userEnv: Env,
  input: Backing & {
    encryptionKeys: string;
    sentinelToken: string;
    buildkitAddr: string;
    registryHost: string;
    previewDomain: string;
    /** Sentinel's port: the URLs a deployment lists need it (it is not 80). */
    sentinelPort: number;
  },
): Env {
  return {
    SLIPWAY_REGIONS: LOCAL_REGION,
    SLIPWAY_APPS_NAMESPACE: LOCAL_APPS_NAMESPACE,
    ...userEnv,
    DATABASE_URL: input.databaseUrl,
    REDIS_URL: input.redisUrl,
    KUBECONFIG: input.kubeconfig,
    SLIPWAY_ENCRYPTION_KEYS: userEnv.SLIPWAY_ENCRYPTION_KEYS ?? input.encryptionKeys,
    SLIPWAY_SENTINEL_TOKEN: input.sentinelToken,
    SLIPWAY_BUILDKIT_ADDR: input.buildkitAddr,
    SLIPWAY_REGISTRY: input.registryHost,
    SLIPWAY_PREVIEW_DOMAIN: input.previewDomain,
    // Sentinel serves apps over plain http on loopback here.
    SLIPWAY_APP_URL_SCHEME: "http",
    SLIPWAY_APP_URL_PORT: String(input.sentinelPort),
  };
}

export function operatorEnv(
  userEnv: Env,
  input: { kubeconfig: string; metricsPort: number; appsNamespace: string },
): Env {
  return {
    ...userEnv,
    KUBECONFIG: input.kubeconfig,
    // One operator on one machine: no Lease to wait for after a restart.
    SLIPWAY_LEADER_ELECTION: "false",
    SLIPWAY_INSTALL_CRDS: "true",
    SLIPWAY_WATCH_NAMESPACE: input.appsNamespace,
    SLIPWAY_METRICS_PORT: String(input.metricsPort),
  };
}

export function sentinelEnv(
  userEnv: Env,
  input: Backing & { port: number; controlPlaneUrl: string; sentinelToken: string },
): Env {
  return {
    SLIPWAY_REGION: LOCAL_REGION,
    ...userEnv,
    DATABASE_URL: input.databaseUrl,
    REDIS_URL: input.redisUrl,
    KUBECONFIG: input.kubeconfig,
    // Loopback only: `<host>.localhost` names reach it, nothing off the machine does.
    SENTINEL_HOST: userEnv.SENTINEL_HOST ?? "127.0.0.1",
    SENTINEL_PORT: String(input.port),
    // Metrics and readiness on loopback; any free port unless set (9090 is often taken).
    SENTINEL_ADMIN_HOST: userEnv.SENTINEL_ADMIN_HOST ?? "127.0.0.1",
    SENTINEL_ADMIN_PORT: userEnv.SENTINEL_ADMIN_PORT ?? "0",
    SENTINEL_CONTROL_PLANE_URL: input.controlPlaneUrl,
    SENTINEL_CONTROL_PLANE_TOKEN: input.sentinelToken,
  };
}
