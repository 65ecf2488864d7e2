import type { JobQueues } from "../jobs/queues.js";

/**
 * Enqueues a `deployment.power` job for each deployment whose status was just changed to
 * `stopped` (or back to `deploying`) outside the lifecycle endpoints, e.g. by a closed pull
 * request. The job reads the status itself, so enqueueing one for a deployment that did not
 * change is harmless.
 */
export async function enqueuePowerJobs(
  jobs: Pick<JobQueues, "enqueue">,
  deploymentIds: string[],
  at: Date,
  reason = "changed",
): Promise<void> {
  for (const deploymentId of deploymentIds) {
    await jobs.enqueue({
      name: "deployment.power",
      data: { deploymentId, revision: `${reason}-${at.getTime()}` },
    });
  }
}
