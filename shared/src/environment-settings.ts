/**
 * Runtime, build and region settings of an environment, shaped as `@unkey/api`'s
 * `EnvironmentRuntime`, `EnvironmentBuild` and `EnvironmentRegion`. The operator's CRD spec
 * mirrors the runtime part, so both sides import these types from here.
 */
export const environmentKinds = ["production", "preview"] as const;
export type EnvironmentKind = (typeof environmentKinds)[number];

export const shutdownSignals = ["SIGTERM", "SIGINT", "SIGQUIT", "SIGKILL"] as const;
export type ShutdownSignal = (typeof shutdownSignals)[number];

export const upstreamProtocols = ["http1", "h2c"] as const;
export type UpstreamProtocol = (typeof upstreamProtocols)[number];

export const healthcheckMethods = ["GET", "POST"] as const;
export type HealthcheckMethod = (typeof healthcheckMethods)[number];

export interface Healthcheck {
  method: HealthcheckMethod;
  path: string;
  intervalSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
  initialDelaySeconds?: number;
}

export interface EnvironmentRuntime {
  port: number;
  vCpus: number;
  memoryMib: number;
  storageMib: number;
  command: string[];
  healthcheck?: Healthcheck;
  shutdownSignal: ShutdownSignal;
  upstreamProtocol: UpstreamProtocol;
  openapiSpecPath?: string;
}

export interface EnvironmentBuild {
  dockerfile?: string;
  rootDirectory: string;
  buildCommand?: string;
  watchPaths: string[];
  autoDeploy: boolean;
}

export interface ReplicaBounds {
  min: number;
  max: number;
}

export interface EnvironmentRegion {
  name: string;
  replicas: ReplicaBounds;
}

/** Limits of one instance; the SDK documents the steps, Slipway sets the ceilings. */
export const runtimeLimits = {
  port: { min: 1, max: 65535 },
  vCpus: { min: 0.25, max: 16, step: 0.25 },
  memoryMib: { min: 256, max: 32768, step: 256 },
  storageMib: { min: 0, max: 10240, step: 512 },
  replicas: { min: 0, max: 100 },
} as const;

export const defaultRuntime: EnvironmentRuntime = {
  port: 8080,
  vCpus: 0.25,
  memoryMib: 256,
  storageMib: 0,
  command: [],
  shutdownSignal: "SIGTERM",
  upstreamProtocol: "http1",
};

export const defaultBuild: EnvironmentBuild = {
  dockerfile: "Dockerfile",
  rootDirectory: ".",
  watchPaths: [],
  autoDeploy: true,
};
