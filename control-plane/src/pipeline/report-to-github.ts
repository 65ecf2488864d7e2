import { and, eq, isNull } from "drizzle-orm";
import { apps, deployments, environments } from "../db/schema/index.js";
import { checkRunContent } from "./check-run-content.js";
import type { PipelineDependencies } from "./process-delivery.js";

/**
 * The `github.report` job: makes the deployment's check run show its current status.
 * Level-triggered: it reads the status now, so a late or repeated job shows the latest state.
 */
export async function reportDeploymentToGitHub(
  deps: PipelineDependencies,
  deploymentId: string,
): Promise<void> {
  if (!deps.github) return;
  const [row] = await deps.db
    .select({
      deployment: deployments,
      appSlug: apps.slug,
      repository: apps.gitRepository,
      environmentSlug: environments.slug,
    })
    .from(deployments)
    .innerJoin(apps, eq(apps.id, deployments.appId))
    .innerJoin(environments, eq(environments.id, deployments.environmentId))
    .where(eq(deployments.id, deploymentId));
  if (!row) return;
  const { deployment } = row;
  if (!deployment.githubInstallationId || !row.repository || !deployment.gitCommitSha) return;
  const content = checkRunContent({
    ...deployment,
    appSlug: row.appSlug,
    environmentSlug: row.environmentSlug,
  });
  const target = { installationId: deployment.githubInstallationId, repository: row.repository };
  if (deployment.githubCheckRunId) {
    await deps.github.updateCheckRun({
      ...target,
      checkRunId: deployment.githubCheckRunId,
      content,
    });
    return;
  }
  const checkRunId = await deps.github.createCheckRun({
    ...target,
    headSha: deployment.gitCommitSha,
    content,
  });
  await deps.db
    .update(deployments)
    .set({ githubCheckRunId: checkRunId })
    .where(and(eq(deployments.id, deploymentId), isNull(deployments.githubCheckRunId)));
}
