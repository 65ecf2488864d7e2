import { type DeploymentStatus, type DeploymentTrigger, newId } from "@slipway/shared";
import { and, eq, lt } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client.js";
import { type DeploymentRow, deployments, type EnvironmentRow } from "../db/schema/index.js";

export interface NewDeployment {
  idempotencyKey: string;
  workspaceId: string;
  projectId: string;
  appId: string;
  environment: EnvironmentRow;
  status: Extract<DeploymentStatus, "pending" | "skipped" | "awaiting_approval">;
  trigger: DeploymentTrigger;
  git: {
    commitSha: string;
    branch: string;
    repository: string;
    commitMessage?: string | undefined;
    author?: string | undefined;
  };
  pullRequestNumber?: number | undefined;
  forkRepository?: string | undefined;
  githubInstallationId?: string | undefined;
  skipReason?: string | undefined;
  at: Date;
}

/**
 * Records a deployment once per idempotency key: a retried job gets the row it made before.
 * A new queued deployment supersedes the ones still queued for the same environment and
 * branch; deployments already building are left to finish.
 */
export async function createDeploymentOnce(
  db: DatabaseOrTransaction,
  input: NewDeployment,
): Promise<{ deployment: DeploymentRow; created: boolean; superseded: string[] }> {
  const [inserted] = await db
    .insert(deployments)
    .values({
      id: newId("deployment", input.at.getTime()),
      idempotencyKey: input.idempotencyKey,
      workspaceId: input.workspaceId,
      projectId: input.projectId,
      appId: input.appId,
      environmentId: input.environment.id,
      status: input.status,
      trigger: input.trigger,
      gitCommitSha: input.git.commitSha,
      gitBranch: input.git.branch,
      gitRepository: input.git.repository,
      gitCommitMessage: input.git.commitMessage ?? null,
      gitAuthor: input.git.author ?? null,
      pullRequestNumber: input.pullRequestNumber ?? null,
      forkRepository: input.forkRepository ?? null,
      githubInstallationId: input.githubInstallationId ?? null,
      skipReason: input.skipReason ?? null,
      runtime: input.environment.runtime,
      regions: input.environment.regions.map((region) => region.name),
      createdAt: input.at,
    })
    .onConflictDoNothing({ target: deployments.idempotencyKey })
    .returning();
  if (!inserted) {
    const [existing] = await db
      .select()
      .from(deployments)
      .where(eq(deployments.idempotencyKey, input.idempotencyKey));
    return { deployment: existing!, created: false, superseded: [] };
  }
  let superseded: string[] = [];
  if (inserted.status === "pending") {
    const rows = await db
      .update(deployments)
      .set({ status: "superseded", updatedAt: input.at })
      .where(
        and(
          eq(deployments.environmentId, inserted.environmentId),
          eq(deployments.gitBranch, input.git.branch),
          eq(deployments.status, "pending"),
          lt(deployments.id, inserted.id),
        ),
      )
      .returning({ id: deployments.id });
    superseded = rows.map((row) => row.id);
  }
  return { deployment: inserted, created: true, superseded };
}
