import { inArray } from "drizzle-orm";
import { deployments } from "../db/schema/index.js";
import type { Job } from "../jobs/job-types.js";
import type { JobQueues } from "../jobs/queues.js";
import type { PipelineDependencies } from "./process-delivery.js";

/** What a report job needs to know of a deployment whose status just changed. */
export interface ReportedDeployment {
  id: string;
  status: string;
  updatedAt: Date | null;
  createdAt: Date;
  githubInstallationId: string | null;
}

/**
 * Pure: a GitHub report job per deployment that came from GitHub. The revision names the
 * status and when it changed, so the same change reported twice is one job; `because` names a
 * change the status does not show (a promotion moving the domains), so its report is a new job.
 */
export function reportJobsOf(rows: readonly ReportedDeployment[], because?: string): Job[] {
  return rows.flatMap((row) =>
    row.githubInstallationId
      ? [
          {
            name: "github.report" as const,
            data: {
              deploymentId: row.id,
              revision: `${row.status}-${(row.updatedAt ?? row.createdAt).getTime()}${because ? `-${because}` : ""}`,
            },
          },
        ]
      : [],
  );
}

/** Enqueues a GitHub report for each deployment whose status just changed. */
export async function reportChanges(
  deps: { db: PipelineDependencies["db"]; jobs: PipelineDependencies["jobs"] | undefined },
  deploymentIds: string[],
  because?: string,
): Promise<void> {
  if (!deps.jobs || deploymentIds.length === 0) return;
  const rows = await deps.db
    .select({
      id: deployments.id,
      status: deployments.status,
      updatedAt: deployments.updatedAt,
      createdAt: deployments.createdAt,
      githubInstallationId: deployments.githubInstallationId,
    })
    .from(deployments)
    .where(inArray(deployments.id, deploymentIds));
  for (const job of reportJobsOf(rows, because)) await deps.jobs.enqueue(job);
}

/**
 * The job queues as seen where no GitHub App is configured (no App id or private key): there is
 * nothing to report to, so `github.report` jobs are not enqueued at all instead of running
 * only to find that out. Everything else passes through.
 */
export function withoutGitHubReports<Jobs extends Pick<JobQueues, "enqueue">>(jobs: Jobs): Jobs {
  return {
    ...jobs,
    enqueue: (job: Job) => (job.name === "github.report" ? Promise.resolve() : jobs.enqueue(job)),
  };
}
