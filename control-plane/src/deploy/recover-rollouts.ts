import { and, eq, gt, or } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client.js";
import { deployments } from "../db/schema/index.js";
import type { JobQueues } from "../jobs/queues.js";
import { enqueuePowerJobs } from "./power-jobs.js";

/** Stops older than this are assumed to have reached the cluster long ago. */
const RECENT_STOP_MS = 60 * 60 * 1000;

/**
 * At worker start: a `deployment.power` job for every deployment still rolling out and every
 * recent stop, in case the process that changed its status died before enqueueing (or the job
 * id of its deploy step was used up). The job acts on the status it reads and rollouts are
 * idempotent, so one that is in fact still running elsewhere converges to the same result.
 */
export async function recoverRollouts(deps: {
  db: DatabaseOrTransaction;
  jobs: Pick<JobQueues, "enqueue">;
  at: Date;
}): Promise<number> {
  const rows = await deps.db
    .select({ id: deployments.id })
    .from(deployments)
    .where(
      or(
        eq(deployments.status, "deploying"),
        and(
          eq(deployments.status, "stopped"),
          gt(deployments.updatedAt, new Date(deps.at.getTime() - RECENT_STOP_MS)),
        ),
      ),
    );
  await enqueuePowerJobs(
    deps.jobs,
    rows.map((row) => row.id),
    deps.at,
    "recover",
  );
  return rows.length;
}
