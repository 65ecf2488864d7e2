import type { DeploymentAction, DeploymentStatus, EnvironmentKind } from "@slipway/shared";

/**
 * Pure: which lifecycle calls make sense on a deployment right now, as the SDK's
 * `availableActions`. Only a ready production deployment can become current; an older one
 * is a rollback target, a newer one a promotion.
 */
export function availableActions(input: {
  status: DeploymentStatus;
  environmentKind: EnvironmentKind;
  isCurrent: boolean;
  createdAt: Date;
  currentCreatedAt: Date | undefined;
}): DeploymentAction[] {
  if (input.status === "stopped") return ["start"];
  if (input.status !== "ready") return [];
  const actions: DeploymentAction[] = [];
  if (input.environmentKind === "production" && !input.isCurrent) {
    const olderThanCurrent =
      input.currentCreatedAt !== undefined && input.createdAt < input.currentCreatedAt;
    actions.push(olderThanCurrent ? "rollback" : "promote");
  }
  if (!input.isCurrent) actions.push("stop");
  return actions;
}
