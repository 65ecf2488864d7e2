import type { Job } from "./job-types.js";
import type { JobQueues } from "./queues.js";

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
