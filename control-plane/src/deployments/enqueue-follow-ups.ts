import type { FollowUpQueues } from "../jobs/queues.js";
import type { FollowUps } from "./follow-ups.js";

/**
 * Sends what a committed change returned. Without queues (an API with none configured) there is
 * nothing to send to; a worker finds queued deployments again when it starts.
 */
export async function enqueueFollowUps(
  queues: FollowUpQueues | undefined,
  followUps: FollowUps,
): Promise<void> {
  if (!queues) return;
  // Announced first: a build stops within milliseconds instead of at its next status check.
  await Promise.all(
    followUps.cancellations.map((deploymentId) => queues.announceCancellation?.(deploymentId)),
  );
  // Issued together, so the commands share round trips to Redis.
  await Promise.all(followUps.jobs.map((job) => queues.enqueue(job)));
}
