import { AppError, notFound } from "@slipway/shared";
import { and, eq } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client.js";
import { apps, deployments, environments } from "../db/schema/index.js";
import type { ServiceContext } from "./context.js";

/**
 * A deployment of the caller's workspace with its environment and app, for a lifecycle call;
 * `lock` locks the app (inside a transaction) so a racing call waits and then sees our result.
 */
export async function findLifecycleTarget(
  ctx: ServiceContext,
  db: DatabaseOrTransaction,
  deploymentId: string,
  options: { lock?: boolean } = {},
) {
  const query = db
    .select({ deployment: deployments, environment: environments, app: apps })
    .from(deployments)
    .innerJoin(environments, eq(environments.id, deployments.environmentId))
    .innerJoin(apps, eq(apps.id, deployments.appId))
    .where(and(eq(deployments.workspaceId, ctx.workspaceId), eq(deployments.id, deploymentId)));
  // Only the app row: the deploy step's finishing transaction locks it first too, so the two
  // queue behind each other instead of deadlocking over the deployment row.
  const [row] = options.lock ? await query.for("update", { of: [apps] }) : await query;
  if (!row) throw notFound(`Deployment '${deploymentId}'`);
  ctx.access(row.deployment);
  return row;
}

export const preconditionFailed = (detail: string) => new AppError("precondition_failed", detail);

/** Stops and starts run in the worker; an API without a queue cannot accept them. */
export function requireJobs(ctx: ServiceContext) {
  if (!ctx.jobs) {
    throw new AppError(
      "service_unavailable",
      "This control plane has no job queue configured, so it cannot change deployments.",
    );
  }
  return ctx.jobs;
}
