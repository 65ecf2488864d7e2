import { and, eq, lte } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { deployments, environments } from "../db/schema/index.js";
import { type FollowUps, mergeFollowUps } from "./follow-ups.js";
import { isIdle } from "./idle-decision.js";
import { type ChangedBy, transitionDeployment } from "./transition.js";

export interface IdlePreviewsInput {
  at: Date;
  idleAfterMs: number;
  /** Last-request times (epoch ms) of the given deployments, as Sentinel recorded them. */
  lastRequests: (deploymentIds: string[]) => Promise<Map<string, number>>;
  by: ChangedBy;
}

/** Looked at per pass at most; the rest wait for the next pass (oldest first). */
const PASS_LIMIT = 500;

/**
 * Scales ready previews that had no request for `idleAfterMs` to zero: each moves `ready` →
 * `idle` through the lifecycle table (audited, its power job makes the CR idle). Production
 * deployments are never looked at. Only previews ready for at least the threshold can qualify,
 * so the query narrows to those before Redis is asked. Idempotent: a preview moved meanwhile
 * (a stop, a newer status) fails the compare-and-swap and is left alone.
 */
export async function idlePreviews(
  db: Database,
  input: IdlePreviewsInput,
): Promise<{ idled: string[]; followUps: FollowUps }> {
  const readyBefore = new Date(input.at.getTime() - input.idleAfterMs);
  const candidates = await db
    .select({
      id: deployments.id,
      updatedAt: deployments.updatedAt,
      createdAt: deployments.createdAt,
    })
    .from(deployments)
    .innerJoin(environments, eq(environments.id, deployments.environmentId))
    .where(
      and(
        eq(deployments.status, "ready"),
        eq(environments.kind, "preview"),
        lte(deployments.updatedAt, readyBefore),
      ),
    )
    .orderBy(deployments.updatedAt)
    .limit(PASS_LIMIT);
  if (candidates.length === 0) return { idled: [], followUps: mergeFollowUps() };
  const lastRequests = await input.lastRequests(candidates.map((row) => row.id));
  const idled: string[] = [];
  const followUps: FollowUps[] = [];
  for (const row of candidates) {
    const activity = {
      readyAt: row.updatedAt ?? row.createdAt,
      lastRequestAt: lastRequests.get(row.id),
    };
    if (!isIdle(activity, input.at, input.idleAfterMs)) continue;
    const moved = await transitionDeployment(db, {
      id: row.id,
      event: "idle",
      at: input.at,
      by: input.by,
      auditContext: { idleAfterMs: input.idleAfterMs },
    });
    if (!moved) continue;
    idled.push(row.id);
    followUps.push(moved.followUps);
  }
  return { idled, followUps: mergeFollowUps(...followUps) };
}
