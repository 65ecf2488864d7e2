import { newId } from "@slipway/shared";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client.js";
import { type DeploymentStepStatus, deploymentSteps } from "../db/schema/index.js";

/** Opens a step; opening it again (a retried job) keeps the first start time. */
export async function startDeploymentStep(
  db: DatabaseOrTransaction,
  input: { workspaceId: string; deploymentId: string; name: string; at: Date },
): Promise<void> {
  await db
    .insert(deploymentSteps)
    .values({
      id: newId("deploymentStep", input.at.getTime()),
      workspaceId: input.workspaceId,
      deploymentId: input.deploymentId,
      name: input.name,
      status: "running",
      startedAt: input.at,
      createdAt: input.at,
    })
    .onConflictDoNothing({ target: [deploymentSteps.deploymentId, deploymentSteps.name] });
}

/**
 * Closes a running step. The first error written stays: a cleanup failure after a build
 * failure must not replace the message that explains what went wrong.
 */
export async function finishDeploymentStep(
  db: DatabaseOrTransaction,
  input: {
    deploymentId: string;
    name: string;
    status: Exclude<DeploymentStepStatus, "running">;
    at: Date;
    errorMessage?: string;
  },
): Promise<boolean> {
  const rows = await db
    .update(deploymentSteps)
    .set({
      status: input.status,
      finishedAt: input.at,
      errorMessage: sql`coalesce(${deploymentSteps.errorMessage}, ${input.errorMessage ?? null})`,
    })
    .where(
      and(
        eq(deploymentSteps.deploymentId, input.deploymentId),
        eq(deploymentSteps.name, input.name),
        isNull(deploymentSteps.finishedAt),
      ),
    )
    .returning({ id: deploymentSteps.id });
  return rows.length > 0;
}
