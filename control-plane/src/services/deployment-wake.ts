import { notFound } from "@slipway/shared";
import type { WakeState } from "@slipway/shared/gateway";
import { eq } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { deployments } from "../db/schema/index.js";
import { enqueueFollowUps } from "../deployments/enqueue-follow-ups.js";
import { transitionDeployment } from "../deployments/transition.js";
import type { FollowUpQueues } from "../jobs/queues.js";

export interface WakeDependencies {
  db: Database;
  jobs: FollowUpQueues | undefined;
  clock: () => Date;
}

/** Who the audit log names for a start Sentinel asked for. */
export const SENTINEL_ACTOR = { type: "sentinel", id: "sentinel" } as const;

/**
 * Sentinel's request to start an idle deployment that got a request: the lifecycle's `start`,
 * narrowed to `idle` (a deployment a person stopped stays stopped), audited with Sentinel as the
 * actor, exactly as `startDeployment` is with a root key. The compare-and-swap makes it
 * idempotent: of any number of Sentinels asking at once, one moves it, and the others find it
 * `deploying` and are told it is waking too.
 */
export async function wakeDeployment(
  deps: WakeDependencies,
  input: { deploymentId: string; requestId: string },
): Promise<WakeState> {
  const moved = await transitionDeployment(deps.db, {
    id: input.deploymentId,
    event: "start",
    from: ["idle"],
    at: deps.clock(),
    by: { actor: SENTINEL_ACTOR, requestId: input.requestId },
    auditContext: { via: "request" },
  });
  if (moved) {
    await enqueueFollowUps(deps.jobs, moved.followUps);
    return "waking";
  }
  const [row] = await deps.db
    .select({ status: deployments.status })
    .from(deployments)
    .where(eq(deployments.id, input.deploymentId));
  if (!row) throw notFound(`Deployment '${input.deploymentId}'`);
  return row.status === "deploying" ? "waking" : "not_idle";
}
