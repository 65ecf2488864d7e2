import { AppError, type DeploymentStatus, notFound } from "@slipway/shared";
import { and, eq } from "drizzle-orm";
import { deployments } from "../db/schema/index.js";
import { enqueueFollowUps } from "../deployments/enqueue-follow-ups.js";
import { lifecycleTransitions } from "../deployments/lifecycle-table.js";
import { transitionDeployment } from "../deployments/transition.js";
import type { ServiceContext } from "./context.js";

/** Statuses from which a deployment can still be cancelled: nothing is serving from it yet. */
export const cancellableStatuses: readonly DeploymentStatus[] = lifecycleTransitions.cancel.from;

async function findDeployment(ctx: ServiceContext, deploymentId: string) {
  const [row] = await ctx.db
    .select()
    .from(deployments)
    .where(and(eq(deployments.workspaceId, ctx.workspaceId), eq(deployments.id, deploymentId)));
  if (!row) throw notFound(`Deployment '${deploymentId}'`);
  ctx.access(row);
  return row;
}

const changedBy = (ctx: ServiceContext) => ({ actor: ctx.actor, requestId: ctx.requestId });

/** `deployments.approveDeployment` (Slipway): lets a fork's deployment that waits for a member proceed. */
export async function approveDeployment(ctx: ServiceContext, deploymentId: string): Promise<void> {
  const found = await findDeployment(ctx, deploymentId);
  const moved = await transitionDeployment(ctx.db, {
    id: found.id,
    event: "approve",
    at: ctx.clock(),
    patch: { approvedBy: `${ctx.actor.type}:${ctx.actor.id}` },
    by: changedBy(ctx),
  });
  if (!moved) {
    throw new AppError(
      "precondition_failed",
      `Deployment '${deploymentId}' is ${found.status}, not awaiting approval.`,
    );
  }
  await enqueueFollowUps(ctx.jobs, moved.followUps);
}

/**
 * `deployments.cancelDeployment` (Slipway): stops a deployment that has not started serving.
 * Compare-and-swap, so a cancel racing the build's own progress has exactly one winner; the
 * worker building it stops within a second (and re-checks the status anyway).
 */
export async function cancelDeployment(ctx: ServiceContext, deploymentId: string): Promise<void> {
  const found = await findDeployment(ctx, deploymentId);
  const moved = await transitionDeployment(ctx.db, {
    id: found.id,
    event: "cancel",
    at: ctx.clock(),
    by: changedBy(ctx),
    auditContext: { from: found.status },
  });
  if (!moved) {
    throw new AppError(
      "precondition_failed",
      `Deployment '${deploymentId}' is ${found.status}; only a queued, waiting or building deployment can be cancelled.`,
    );
  }
  await enqueueFollowUps(ctx.jobs, moved.followUps);
}
