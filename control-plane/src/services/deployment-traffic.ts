import { eq } from "drizzle-orm";
import { apps } from "../db/schema/index.js";
import { followUpsOfDeployments } from "../deployments/current-follow-ups.js";
import { enqueueFollowUps } from "../deployments/enqueue-follow-ups.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { findLifecycleTarget, preconditionFailed } from "./lifecycle-target.js";

export type TrafficChange =
  | { kind: "switch"; currentDeploymentId: string; isRolledBack: boolean }
  | { kind: "refuse"; reason: string };

/**
 * Pure: what a promote or rollback does, with the SDK's preconditions. Both switch the app's
 * current deployment (its production domains follow); a rollback marks the app rolled back,
 * so new deployments stop taking over; promoting (even the current one) clears that mark.
 */
export function decideTrafficChange(input: {
  action: "promote" | "rollback";
  deploymentId: string;
  status: string;
  environmentKind: string;
  currentDeploymentId: string | null;
  isRolledBack: boolean;
}): TrafficChange {
  const { action, deploymentId } = input;
  if (input.environmentKind !== "production") {
    return {
      kind: "refuse",
      reason: `Deployment '${deploymentId}' is not in the production environment; only production deployments can be ${action === "promote" ? "promoted" : "rolled back to"}.`,
    };
  }
  if (input.status !== "ready") {
    return {
      kind: "refuse",
      reason: `Deployment '${deploymentId}' is ${input.status}; only a ready deployment can be ${action === "promote" ? "promoted" : "rolled back to"}.`,
    };
  }
  if (input.currentDeploymentId === null) {
    return {
      kind: "refuse",
      reason: `The app has no current deployment yet, so there is nothing to ${action === "promote" ? "promote over" : "roll back from"}.`,
    };
  }
  const isCurrent = input.currentDeploymentId === deploymentId;
  if (action === "rollback") {
    return isCurrent
      ? {
          kind: "refuse",
          reason: `Deployment '${deploymentId}' is already the current deployment; roll back to an earlier one.`,
        }
      : { kind: "switch", currentDeploymentId: deploymentId, isRolledBack: true };
  }
  if (isCurrent && !input.isRolledBack) {
    return {
      kind: "refuse",
      reason: `Deployment '${deploymentId}' is already the current deployment.`,
    };
  }
  return { kind: "switch", currentDeploymentId: deploymentId, isRolledBack: false };
}

/** `deployments.promoteDeployment` and `deployments.rollbackDeployment`: one transaction each. */
export async function changeTraffic(
  ctx: ServiceContext,
  action: "promote" | "rollback",
  deploymentId: string,
): Promise<void> {
  // Checked once outside the transaction so a missing or foreign id is a plain 404.
  await findLifecycleTarget(ctx, ctx.db, deploymentId);
  const previous = await ctx.db.transaction(async (tx) => {
    // Locked: a deploy finishing or a second promote waits, then sees this one's result.
    const { deployment, environment, app } = await findLifecycleTarget(ctx, tx, deploymentId, {
      lock: true,
    });
    const change = decideTrafficChange({
      action,
      deploymentId: deployment.id,
      status: deployment.status,
      environmentKind: environment.kind,
      currentDeploymentId: app.currentDeploymentId,
      isRolledBack: app.isRolledBack,
    });
    if (change.kind === "refuse") throw preconditionFailed(change.reason);
    await tx
      .update(apps)
      .set({
        currentDeploymentId: change.currentDeploymentId,
        isRolledBack: change.isRolledBack,
        updatedAt: ctx.clock(),
      })
      .where(eq(apps.id, app.id));
    await recordAudit(tx, ctx, {
      action: `deployment.${action}`,
      targetType: "deployment",
      targetId: deployment.id,
      context: { from: app.currentDeploymentId },
    });
    return app.currentDeploymentId;
  });
  // GitHub's links follow the domains: both the new and the old current deployment report again.
  const moved = [deploymentId, ...(previous && previous !== deploymentId ? [previous] : [])];
  const because = `${action}-${ctx.clock().getTime()}`;
  await enqueueFollowUps(ctx.jobs, await followUpsOfDeployments(ctx.db, moved, because));
}
