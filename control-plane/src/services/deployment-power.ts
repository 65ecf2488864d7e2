import { transitionDeployment } from "../db/repositories/deployment-transitions.js";
import { reportChanges } from "../pipeline/report-changes.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { findLifecycleTarget, preconditionFailed, requireJobs } from "./lifecycle-target.js";

/**
 * `deployments.stopDeployment`: a ready preview stops serving and scales to zero, keeping its
 * configuration for `startDeployment`. The status changes here (compare-and-swap, so a second
 * stop is refused); the `deployment.power` job makes the CR idle.
 */
export async function stopDeployment(ctx: ServiceContext, deploymentId: string): Promise<void> {
  const jobs = requireJobs(ctx);
  const at = ctx.clock();
  const found = await findLifecycleTarget(ctx, ctx.db, deploymentId);
  if (found.environment.kind === "production") {
    throw preconditionFailed(
      `Deployment '${deploymentId}' belongs to the production environment; production deployments cannot be stopped (roll back or promote instead).`,
    );
  }
  await ctx.db.transaction(async (tx) => {
    const moved = await transitionDeployment(tx, {
      id: found.deployment.id,
      from: ["ready"],
      to: "stopped",
      at,
    });
    if (!moved) {
      throw preconditionFailed(
        `Deployment '${deploymentId}' is ${found.deployment.status}; only a ready deployment can be stopped.`,
      );
    }
    await recordAudit(tx, ctx, {
      action: "deployment.stop",
      targetType: "deployment",
      targetId: found.deployment.id,
    });
  });
  await jobs.enqueue({
    name: "deployment.power",
    data: { deploymentId: found.deployment.id, revision: `stopped-${at.getTime()}` },
  });
  await reportChanges({ db: ctx.db, jobs }, [found.deployment.id]);
}

/**
 * `deployments.startDeployment`: a stopped preview runs again with the configuration it had.
 * It goes back to `deploying`, and the `deployment.power` job rolls the CR back to running and
 * marks it ready once its instances are, exactly as the deploy step does.
 */
export async function startDeployment(ctx: ServiceContext, deploymentId: string): Promise<void> {
  const jobs = requireJobs(ctx);
  const at = ctx.clock();
  const found = await findLifecycleTarget(ctx, ctx.db, deploymentId);
  if (found.environment.kind === "production") {
    throw preconditionFailed(
      `Deployment '${deploymentId}' belongs to the production environment; production deployments are never stopped, so they cannot be started.`,
    );
  }
  await ctx.db.transaction(async (tx) => {
    const moved = await transitionDeployment(tx, {
      id: found.deployment.id,
      from: ["stopped"],
      to: "deploying",
      at,
    });
    if (!moved) {
      throw preconditionFailed(
        `Deployment '${deploymentId}' is ${found.deployment.status}; only a stopped deployment can be started.`,
      );
    }
    await recordAudit(tx, ctx, {
      action: "deployment.start",
      targetType: "deployment",
      targetId: found.deployment.id,
    });
  });
  await jobs.enqueue({
    name: "deployment.power",
    data: { deploymentId: found.deployment.id, revision: `started-${at.getTime()}` },
  });
  await reportChanges({ db: ctx.db, jobs }, [found.deployment.id]);
}
