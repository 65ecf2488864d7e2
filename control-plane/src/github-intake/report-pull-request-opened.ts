import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { apps, deployments, environments } from "../db/schema/index.js";
import type { JobQueues } from "../jobs/queues.js";

/**
 * For a `pull_request` opened or reopened from a branch of the repository itself: the branch's
 * previews were deployed, and reported, by its pushes before the pull request existed, so its
 * comment would wait for the next push. This reports the newest preview of each app on that
 * branch again; the report finds the pull request open and writes its comment.
 *
 * `deliveryId` makes the jobs new ones: a report of the same status ran already, and the queue
 * would take a job with that revision for a duplicate.
 */
export async function reportPullRequestOpened(
  deps: { db: Database; jobs: Pick<JobQueues, "enqueue"> | undefined },
  pullRequest: { installationId: string; repository: string; branch: string; deliveryId: string },
): Promise<void> {
  if (!deps.jobs) return;
  const newest = await deps.db
    .selectDistinctOn([deployments.appId, deployments.environmentId], { id: deployments.id })
    .from(deployments)
    .innerJoin(apps, eq(apps.id, deployments.appId))
    .innerJoin(environments, eq(environments.id, deployments.environmentId))
    .where(
      and(
        eq(deployments.githubInstallationId, pullRequest.installationId),
        sql`lower(${apps.gitRepository}) = ${pullRequest.repository.toLowerCase()}`,
        eq(deployments.gitBranch, pullRequest.branch),
        isNull(deployments.pullRequestNumber),
        eq(environments.kind, "preview"),
      ),
    )
    .orderBy(
      deployments.appId,
      deployments.environmentId,
      desc(deployments.createdAt),
      desc(deployments.id),
    );
  for (const deployment of newest) {
    await deps.jobs.enqueue({
      name: "github.report",
      data: { deploymentId: deployment.id, revision: `pull_request-${pullRequest.deliveryId}` },
    });
  }
}
