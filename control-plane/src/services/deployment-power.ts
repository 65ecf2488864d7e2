import type { DeploymentStatus } from "@slipway/shared";
import { enqueueFollowUps } from "../deployments/enqueue-follow-ups.js";
import { transitionDeployment } from "../deployments/transition.js";
import type { ServiceContext } from "./context.js";
import { findLifecycleTarget, preconditionFailed, requireJobs } from "./lifecycle-target.js";

interface PowerChange {
  action: "stop" | "start";
  /** The statuses the API changes power from (a closed pull request also stops rollouts). */
  from: readonly DeploymentStatus[];
  /** Said when the deployment is elsewhere: "only a ... deployment can be ...". */
  expected: string;
  /** Why production deployments are refused, after "belongs to the production environment; ". */
  productionRefusal: string;
}

const stop: PowerChange = {
  action: "stop",
  from: ["ready", "idle"],
  expected: "ready or idle",
  productionRefusal: "production deployments cannot be stopped (roll back or promote instead).",
};

const start: PowerChange = {
  action: "start",
  // An idle preview starts on its next request (Sentinel asks for that itself).
  from: ["stopped"],
  expected: "stopped",
  productionRefusal: "production deployments are never stopped, so they cannot be started.",
};

/**
 * `deployments.stopDeployment`: a ready preview stops serving and scales to zero, keeping its
 * configuration for `startDeployment`. The status changes here (compare-and-swap, so a second
 * stop is refused); the `deployment.power` job makes the CR idle.
 */
export const stopDeployment = (ctx: ServiceContext, deploymentId: string) =>
  changePower(ctx, deploymentId, stop);

/**
 * `deployments.startDeployment`: a stopped preview runs again with the configuration it had.
 * It goes back to `deploying`, and the `deployment.power` job rolls the CR back to running and
 * marks it ready once its instances are, exactly as the deploy step does.
 */
export const startDeployment = (ctx: ServiceContext, deploymentId: string) =>
  changePower(ctx, deploymentId, start);

async function changePower(
  ctx: ServiceContext,
  deploymentId: string,
  change: PowerChange,
): Promise<void> {
  const jobs = requireJobs(ctx);
  const at = ctx.clock();
  const found = await findLifecycleTarget(ctx, ctx.db, deploymentId);
  if (found.environment.kind === "production") {
    throw preconditionFailed(
      `Deployment '${deploymentId}' belongs to the production environment; ${change.productionRefusal}`,
    );
  }
  const moved = await transitionDeployment(ctx.db, {
    id: found.deployment.id,
    event: change.action,
    from: change.from,
    at,
    by: { actor: ctx.actor, requestId: ctx.requestId },
  });
  if (!moved) {
    throw preconditionFailed(
      `Deployment '${deploymentId}' is ${found.deployment.status}; only a ${change.expected} deployment can be ${change.action === "stop" ? "stopped" : "started"}.`,
    );
  }
  await enqueueFollowUps(jobs, moved.followUps);
}
