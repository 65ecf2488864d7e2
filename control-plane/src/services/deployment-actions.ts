import type { DeploymentAction, DeploymentStatus, EnvironmentKind } from "@slipway/shared";

/**
 * Pure: which lifecycle calls would be accepted on a deployment right now, as the SDK's
 * `availableActions`, matching the preconditions of those calls:
 * - stop / start: previews only (production deployments are never stopped);
 * - promote / rollback: ready production deployments, once the app has a current one. An
 *   older deployment is a rollback target, a newer one a promotion; the current deployment
 *   of a rolled-back app can be promoted to confirm the rollback.
 */
export function availableActions(input: {
  status: DeploymentStatus;
  environmentKind: EnvironmentKind;
  isCurrent: boolean;
  isRolledBack: boolean;
  createdAt: Date;
  currentCreatedAt: Date | undefined;
}): DeploymentAction[] {
  if (input.environmentKind !== "production") {
    if (input.status === "stopped") return ["start"];
    // An idle preview starts by itself on its next request; it can still be stopped.
    return input.status === "ready" || input.status === "idle" ? ["stop"] : [];
  }
  if (input.status !== "ready") return [];
  if (input.isCurrent) return input.isRolledBack ? ["promote"] : [];
  if (input.currentCreatedAt === undefined) return [];
  return [input.createdAt < input.currentCreatedAt ? "rollback" : "promote"];
}
