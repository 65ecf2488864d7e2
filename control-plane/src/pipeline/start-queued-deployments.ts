import { and, eq, inArray, isNull, or } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client.js";
import { deployments } from "../db/schema/index.js";
import type { Job } from "../jobs/job-types.js";
import type { JobQueues } from "../jobs/queues.js";

type Deps = { db: DatabaseOrTransaction; jobs: Pick<JobQueues, "enqueue"> | undefined };

/**
 * Pure: the job a deployment waits for, if any: a build for a queued deployment without an
 * image, the deploy step for one whose image exists. Job ids are the deployment id and step,
 * so enqueueing it again (a retried webhook, a recovery sweep) adds nothing.
 */
export function nextStepJobOf(row: {
  id: string;
  status: string;
  image: string | null;
}): Job | undefined {
  if (row.status === "pending" && !row.image) {
    return { name: "deployment.build", data: { deploymentId: row.id } };
  }
  if (row.status === "deploying") {
    return { name: "deployment.deploy", data: { deploymentId: row.id } };
  }
  return undefined;
}

/** Enqueues the next job of each deployment that is waiting for one. */
export async function startQueuedDeployments(deps: Deps, deploymentIds: string[]): Promise<void> {
  if (!deps.jobs || deploymentIds.length === 0) return;
  const rows = await deps.db
    .select({ id: deployments.id, status: deployments.status, image: deployments.image })
    .from(deployments)
    .where(inArray(deployments.id, deploymentIds));
  for (const row of rows) {
    const job = nextStepJobOf(row);
    if (job) await deps.jobs.enqueue(job);
  }
}

/**
 * After a crash between "deployment queued" and "job enqueued", nothing would ever pick the
 * deployment up; the worker runs this at start to enqueue every such deployment again.
 */
export async function recoverQueuedDeployments(deps: Deps): Promise<number> {
  const rows = await deps.db
    .select({ id: deployments.id })
    .from(deployments)
    .where(
      or(
        and(eq(deployments.status, "pending"), isNull(deployments.image)),
        eq(deployments.status, "building"),
        eq(deployments.status, "deploying"),
      ),
    );
  const ids = rows.map((row) => row.id);
  // `building` ones have a job already (BullMQ hands a dead worker's job on); the others may not.
  await startQueuedDeployments(deps, ids);
  return ids.length;
}
