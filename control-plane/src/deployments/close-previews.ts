import { and, eq, inArray } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client.js";
import { deployments } from "../db/schema/index.js";
import { type FollowUps, mergeFollowUps } from "./follow-ups.js";
import { lifecycleTransitions } from "./lifecycle-table.js";
import { type ChangedBy, transitionDeployment } from "./transition.js";

/** What a closed pull request does to its previews: queued ones are cancelled, running ones stop. */
const closing = [
  { event: "cancel", from: ["pending", "awaiting_approval", "building"] },
  { event: "stop", from: lifecycleTransitions.stop.from },
] as const;

/**
 * A closed pull request takes its previews down. Each deployment moves through the lifecycle
 * table on its own (a build in progress sees its cancellation at once and stops; a running
 * preview scales to zero through its power job), audited as GitHub acting for the closer.
 */
export async function closePullRequestPreviews(
  db: DatabaseOrTransaction,
  input: { environmentId: string; pullRequestNumber: number; at: Date; by: ChangedBy },
): Promise<FollowUps> {
  const rows = await db
    .select({ id: deployments.id, status: deployments.status })
    .from(deployments)
    .where(
      and(
        eq(deployments.environmentId, input.environmentId),
        eq(deployments.pullRequestNumber, input.pullRequestNumber),
        inArray(
          deployments.status,
          closing.flatMap((change) => change.from),
        ),
      ),
    );
  const changed: FollowUps[] = [];
  for (const row of rows) {
    const change = closing.find((candidate) =>
      (candidate.from as readonly string[]).includes(row.status),
    );
    if (!change) continue;
    const moved = await transitionDeployment(db, {
      id: row.id,
      event: change.event,
      from: change.from,
      at: input.at,
      by: input.by,
      auditContext: { via: "pull_request_closed", pullRequestNumber: input.pullRequestNumber },
    });
    if (moved) changed.push(moved.followUps);
  }
  return mergeFollowUps(...changed);
}
