import { and, eq, isNull } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client.js";
import { deployments } from "../db/schema/index.js";

/**
 * The GitHub objects that show a deployment (its check run, its GitHub deployment). Stored
 * once, outside any report's transaction, so a slow GitHub call never holds the deployment row
 * locked against the build and deploy steps' transitions; a second writer keeps the first id.
 */
export async function recordCheckRunId(
  db: DatabaseOrTransaction,
  deploymentId: string,
  checkRunId: string,
): Promise<void> {
  await db
    .update(deployments)
    .set({ githubCheckRunId: checkRunId })
    .where(and(eq(deployments.id, deploymentId), isNull(deployments.githubCheckRunId)));
}

export async function recordGitHubDeploymentId(
  db: DatabaseOrTransaction,
  deploymentId: string,
  githubDeploymentId: string,
): Promise<void> {
  await db
    .update(deployments)
    .set({ githubDeploymentId })
    .where(and(eq(deployments.id, deploymentId), isNull(deployments.githubDeploymentId)));
}
