import { AppError, type DeploymentStatus, notFound } from "@slipway/shared";
import { and, eq } from "drizzle-orm";
import { transitionDeployment } from "../db/repositories/deployment-transitions.js";
import { deployments } from "../db/schema/index.js";
import { reportChanges } from "../pipeline/report-changes.js";
import { startQueuedDeployments } from "../pipeline/start-queued-deployments.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";

/** Statuses from which a deployment can still be cancelled: nothing is serving from it yet. */
export const cancellableStatuses: readonly DeploymentStatus[] = [
  "pending",
  "awaiting_approval",
  "starting",
  "building",
];

async function findDeployment(ctx: ServiceContext, deploymentId: string) {
  const [row] = await ctx.db
    .select()
    .from(deployments)
    .where(and(eq(deployments.workspaceId, ctx.workspaceId), eq(deployments.id, deploymentId)));
  if (!row) throw notFound(`Deployment '${deploymentId}'`);
  ctx.access(row);
  return row;
}

/** `deployments.approveDeployment` (Slipway): lets a fork's deployment that waits for a member proceed. */
export async function approveDeployment(ctx: ServiceContext, deploymentId: string): Promise<void> {
  const found = await findDeployment(ctx, deploymentId);
  await ctx.db.transaction(async (tx) => {
    const moved = await tx
      .update(deployments)
      .set({
        status: "pending",
        approvedBy: `${ctx.actor.type}:${ctx.actor.id}`,
        updatedAt: ctx.clock(),
      })
      .where(and(eq(deployments.id, found.id), eq(deployments.status, "awaiting_approval")))
      .returning({ id: deployments.id });
    if (moved.length === 0) {
      throw new AppError(
        "precondition_failed",
        `Deployment '${deploymentId}' is ${found.status}, not awaiting approval.`,
      );
    }
    await recordAudit(tx, ctx, {
      action: "deployment.approve",
      targetType: "deployment",
      targetId: found.id,
    });
  });
  await reportChanges(ctx, [found.id]);
  await startQueuedDeployments(ctx, [found.id]);
}

/**
 * `deployments.cancelDeployment` (Slipway): stops a deployment that has not started serving.
 * Compare-and-swap, so a cancel racing the build's own progress has exactly one winner.
 */
export async function cancelDeployment(ctx: ServiceContext, deploymentId: string): Promise<void> {
  const found = await findDeployment(ctx, deploymentId);
  await ctx.db.transaction(async (tx) => {
    const moved = await transitionDeployment(tx, {
      id: found.id,
      from: cancellableStatuses,
      to: "cancelled",
      at: ctx.clock(),
    });
    if (!moved) {
      throw new AppError(
        "precondition_failed",
        `Deployment '${deploymentId}' is ${found.status}; only a queued, waiting or building deployment can be cancelled.`,
      );
    }
    await recordAudit(tx, ctx, {
      action: "deployment.cancel",
      targetType: "deployment",
      targetId: found.id,
      context: { from: found.status },
    });
  });
  // The worker building it stops within a second of this (and re-checks the status anyway).
  await ctx.jobs?.announceCancellation(found.id);
  await reportChanges(ctx, [found.id]);
}
