import { type DeploymentStatus, newId } from "@slipway/shared";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../client.js";
import {
  type DeploymentRow,
  type DeploymentStepStatus,
  deploymentSteps,
  deployments,
} from "../schema/index.js";

export type DeploymentPatch = Partial<
  Pick<
    DeploymentRow,
    "image" | "errorCode" | "errorStep" | "errorMessage" | "skipReason" | "regions"
  >
>;

/**
 * Compare-and-swap: moves a deployment to `to` only if it is still in one of `from`.
 * Returns the updated row, or undefined when another worker moved it first.
 */
export async function transitionDeployment(
  db: DatabaseOrTransaction,
  input: {
    id: string;
    from: readonly DeploymentStatus[];
    to: DeploymentStatus;
    at: Date;
    patch?: DeploymentPatch;
  },
): Promise<DeploymentRow | undefined> {
  const [row] = await db
    .update(deployments)
    .set({ ...input.patch, status: input.to, updatedAt: input.at })
    .where(and(eq(deployments.id, input.id), inArray(deployments.status, [...input.from])))
    .returning();
  return row;
}

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
