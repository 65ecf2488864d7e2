/** Lifecycle of a deployment: exactly the values of `@unkey/api`'s `DeploymentStatus`. */
export const deploymentStatuses = [
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
export type DeploymentStatus = (typeof deploymentStatuses)[number];

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
