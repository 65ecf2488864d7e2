/** Exactly the values of `@unkey/api`'s `DeploymentStatus`: what the API answers with. */
export const apiDeploymentStatuses = [
  "pending",
  "starting",
  "building",
  "deploying",
  "network",
  "finalizing",
  "ready",
  "failed",
  "skipped",
  "awaiting_approval",
  "stopped",
  "superseded",
  "cancelled",
] as const;
export type ApiDeploymentStatus = (typeof apiDeploymentStatuses)[number];

/**
 * Lifecycle of a deployment as Slipway stores it: the SDK's statuses plus `idle`, a preview
 * scaled to zero for want of requests that starts again on the next one. The SDK's enum is
 * closed (a client rejects a response with a value it does not list), so the API shows an
 * idle deployment through `apiStatusOf`.
 */
export const deploymentStatuses = [...apiDeploymentStatuses, "idle"] as const;
export type DeploymentStatus = (typeof deploymentStatuses)[number];

/**
 * Pure: the status the API answers with. An idle preview is `ready` there: it serves (the
 * next request starts it), and its response says `idle: true` besides.
 */
export const apiStatusOf = (status: DeploymentStatus): ApiDeploymentStatus =>
  status === "idle" ? "ready" : status;

/** Statuses a deployment never leaves (except `stopped`, which `startDeployment` can undo). */
export const terminalDeploymentStatuses: readonly DeploymentStatus[] = [
  "failed",
  "skipped",
  "superseded",
  "cancelled",
];

/** Exactly `@unkey/api`'s `DeploymentErrorCode`. */
export const deploymentErrorCodes = [
  "no_schedulable_regions",
  "invalid_runtime_settings",
  "cpu_quota_exceeded",
  "memory_quota_exceeded",
  "storage_quota_exceeded",
  "build_failed",
  "unknown",
] as const;
export type DeploymentErrorCode = (typeof deploymentErrorCodes)[number];

/** Exactly `@unkey/api`'s `DeploymentAction`. */
export const deploymentActions = ["promote", "rollback", "stop", "start"] as const;
export type DeploymentAction = (typeof deploymentActions)[number];

/** What made a deployment: Slipway's own vocabulary (the SDK does not expose it). */
export const deploymentTriggers = [
  "push",
  "pull_request",
  "manual",
  "promote",
  "rollback",
] as const;
export type DeploymentTrigger = (typeof deploymentTriggers)[number];
