/**
 * The reasons of the `Ready`, `Progressing` and `Degraded` conditions, one name per situation:
 * the operator writes them, the control plane reads them, `kubectl describe` shows them.
 */
export const deploymentConditionReasons = {
  available: "Available",
  rolloutInProgress: "RolloutInProgress",
  rolloutComplete: "RolloutComplete",
  idle: "Idle",
  scalingToZero: "ScalingToZero",
  asExpected: "AsExpected",
  instancesFailing: "InstancesFailing",
  progressDeadlineExceeded: "ProgressDeadlineExceeded",
  applyFailed: "ApplyFailed",
} as const;
export type DeploymentConditionReason =
  (typeof deploymentConditionReasons)[keyof typeof deploymentConditionReasons];
