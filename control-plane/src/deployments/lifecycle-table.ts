import type { DeploymentStatus } from "@slipway/shared";

/** What a deployment waits for once a change commits; the follow-up jobs are derived from it. */
export type NextStep = "build" | "deploy" | "power" | "announce_cancellation";

export interface LifecycleTransition {
  /** The statuses the change may start from: the compare-and-swap's expected values. */
  readonly from: readonly DeploymentStatus[];
  readonly to: DeploymentStatus;
  /** The audit action written in the same transaction; none for the system's own progress. */
  readonly audit?: string;
  readonly next?: NextStep;
}

/**
 * Every status change a deployment can make, as one table: the lifecycle core reads `from` and
 * `to` from here, so no caller can write a status pair the table does not allow. Changes a
 * person (or GitHub on their behalf) asks for are audited; the build and deploy steps' own
 * progress is visible in the deployment's steps and log instead.
 */
export const lifecycleTransitions = {
  approve: {
    from: ["awaiting_approval"],
    to: "pending",
    audit: "deployment.approve",
    next: "build",
  },
  cancel: {
    from: ["pending", "awaiting_approval", "starting", "building"],
    to: "cancelled",
    audit: "deployment.cancel",
    next: "announce_cancellation",
  },
  /** A newer push to the same environment and branch replaces a deployment still queued. */
  supersede: { from: ["pending"], to: "superseded" },
  startBuild: { from: ["pending"], to: "building" },
  finishBuild: { from: ["building"], to: "deploying", next: "deploy" },
  failBuild: { from: ["pending", "building"], to: "failed" },
  finishRollout: { from: ["deploying"], to: "ready" },
  failRollout: { from: ["deploying"], to: "failed" },
  /** A preview stops serving and scales to zero (a rollout still running is stopped too). */
  stop: {
    from: ["ready", "deploying", "idle"],
    to: "stopped",
    audit: "deployment.stop",
    next: "power",
  },
  /**
   * Runs again with the configuration it had: asked through the API (a stopped preview) or by
   * Sentinel on a request (an idle one).
   */
  start: { from: ["stopped", "idle"], to: "deploying", audit: "deployment.start", next: "power" },
  /** A ready preview that had no request for a while scales to zero until the next one. */
  idle: { from: ["ready"], to: "idle", audit: "deployment.idle", next: "power" },
} as const satisfies Record<string, LifecycleTransition>;

export type LifecycleEvent = keyof typeof lifecycleTransitions;

/** The statuses a deployment is created in: queued, straight to deploy (an image), or held. */
export const initialStatuses = ["pending", "deploying", "skipped", "awaiting_approval"] as const;
export type InitialStatus = (typeof initialStatuses)[number];

/** The audit action of a new deployment. */
export const CREATE_AUDIT_ACTION = "deployment.create";

/**
 * Pure: the expected statuses of one change. A caller may narrow them (the API stops only a
 * ready deployment) but never widen them beyond the table.
 */
export function expectedStatuses(
  event: LifecycleEvent,
  narrowed?: readonly DeploymentStatus[],
): readonly DeploymentStatus[] {
  const allowed: readonly DeploymentStatus[] = lifecycleTransitions[event].from;
  if (!narrowed) return allowed;
  const outside = narrowed.filter((status) => !allowed.includes(status));
  if (outside.length > 0) {
    throw new Error(`'${event}' cannot start from ${outside.join(", ")}`);
  }
  return narrowed;
}

/** Pure: may a deployment move from one status to another at all? */
export function isAllowedTransition(from: DeploymentStatus, to: DeploymentStatus): boolean {
  return Object.values(lifecycleTransitions).some(
    (transition: LifecycleTransition) => transition.to === to && transition.from.includes(from),
  );
}

/** Pure: a SQL list of quoted statuses (`'pending', 'building'`) for the core's raw statements. */
export const sqlStatusList = (statuses: readonly DeploymentStatus[]) =>
  statuses.map((status) => `'${status}'`).join(", ");
