/** Condition reasons, one name per situation, as `kubectl describe` and the control plane see them. */
export const reasons = {
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
export type Reason = (typeof reasons)[keyof typeof reasons];
