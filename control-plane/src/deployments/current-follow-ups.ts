import { and, eq, gt, inArray, isNull, or } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client.js";
import { deployments } from "../db/schema/index.js";
import type { Job } from "../jobs/job-types.js";
import { type FollowUps, followUpsOfCurrent, nextStepJobOf, noFollowUps } from "./follow-ups.js";

const facts = {
  id: deployments.id,
  status: deployments.status,
  image: deployments.image,
  createdAt: deployments.createdAt,
  updatedAt: deployments.updatedAt,
  githubInstallationId: deployments.githubInstallationId,
};

/**
 * The follow-ups of deployments as they stand: their GitHub report and the step each waits
 * for. For changes the status does not show (`because`: a promotion moving the domains) and
 * for level-triggered re-runs that must make sure nothing was lost.
 */
export async function followUpsOfDeployments(
  db: DatabaseOrTransaction,
  deploymentIds: readonly string[],
  because?: string,
): Promise<FollowUps> {
  if (deploymentIds.length === 0) return noFollowUps();
  const rows = await db
    .select(facts)
    .from(deployments)
    .where(inArray(deployments.id, [...deploymentIds]));
  return followUpsOfCurrent(rows, because);
}

/** Stops older than this are assumed to have reached the cluster long ago. */
const RECENT_STOP_MS = 60 * 60 * 1000;

/**
 * At worker start, what a crash may have lost: every deployment waiting for its build or deploy
 * job (between "queued" and "job enqueued" nothing else would ever pick it up), and a
 * `deployment.power` job for every rollout and every recent stop or idling (its deploy job's id may be
 * used up). Every job acts on the status it reads, so a duplicate converges to the same result.
 */
export async function followUpsAfterRestart(
  db: DatabaseOrTransaction,
  at: Date,
): Promise<{ followUps: FollowUps; waiting: number; rollouts: number }> {
  const waiting = await db
    .select(facts)
    .from(deployments)
    .where(
      or(
        and(eq(deployments.status, "pending"), isNull(deployments.image)),
        eq(deployments.status, "building"),
        eq(deployments.status, "deploying"),
      ),
    );
  const rollouts = await db
    .select(facts)
    .from(deployments)
    .where(
      or(
        eq(deployments.status, "deploying"),
        and(
          inArray(deployments.status, ["stopped", "idle"]),
          gt(deployments.updatedAt, new Date(at.getTime() - RECENT_STOP_MS)),
        ),
      ),
    );
  const recovered = (row: (typeof rollouts)[number]): Job => ({
    name: "deployment.power",
    data: { deploymentId: row.id, revision: `recover-${at.getTime()}` },
  });
  return {
    followUps: {
      // `building` ones have a job already (BullMQ hands a dead worker's job on); the others may not.
      jobs: [...waiting.flatMap((row) => nextStepJobOf(row)), ...rollouts.map(recovered)],
      cancellations: [],
    },
    waiting: waiting.length,
    rollouts: rollouts.length,
  };
}
