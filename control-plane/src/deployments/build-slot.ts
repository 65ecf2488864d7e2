import { and, count, eq, isNull, ne, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { type DeploymentRow, deployments, environments } from "../db/schema/index.js";
import type { FollowUps } from "./follow-ups.js";
import { transitionDeployment } from "./transition.js";

export type BuildSlotDecision = { take: true } | { take: false; reason: string };

/**
 * Pure: may a deployment start building now? At most `cap` builds run per workspace. Production
 * goes first: a preview takes a slot only if the production deployments waiting would still
 * find one free, so a burst of preview pushes never holds a production fix back.
 */
export function decideBuildSlot(input: {
  cap: number;
  building: number;
  isProduction: boolean;
  productionWaiting: number;
}): BuildSlotDecision {
  const reserved = input.isProduction ? 0 : input.productionWaiting;
  if (input.building + reserved < input.cap) return { take: true };
  const why = reserved > 0 && input.building < input.cap ? ", production deployments first" : "";
  return {
    take: false,
    reason: `${input.building} of ${input.cap} build slots of the workspace are in use${why}`,
  };
}

export type BuildSlotClaim =
  /** `followUps`: the report of the build's start, to send once this has committed. */
  | { outcome: "claimed"; deployment: DeploymentRow; followUps: FollowUps }
  /** The deployment was building already: a retried or recovered job carries on with it. */
  | { outcome: "resumed"; deployment: DeploymentRow }
  | { outcome: "wait"; reason: string }
  /** Cancelled, superseded or otherwise moved on: nothing to build. */
  | { outcome: "gone" };

/**
 * Moves a pending deployment to `building` if a slot is free. The count and the move happen
 * under a per-workspace advisory lock, so two workers can never both take the last slot.
 */
export async function claimBuildSlot(
  db: Database,
  input: { deploymentId: string; cap: number; at: Date },
): Promise<BuildSlotClaim> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ deployment: deployments, kind: environments.kind })
      .from(deployments)
      .innerJoin(environments, eq(environments.id, deployments.environmentId))
      .where(eq(deployments.id, input.deploymentId));
    if (!row) return { outcome: "gone" };
    if (row.deployment.status === "building") {
      return { outcome: "resumed", deployment: row.deployment };
    }
    if (row.deployment.status !== "pending") return { outcome: "gone" };
    const workspaceId = row.deployment.workspaceId;
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`build-slots:${workspaceId}`}))`);
    const [building] = await tx
      .select({ n: count() })
      .from(deployments)
      .where(and(eq(deployments.workspaceId, workspaceId), eq(deployments.status, "building")));
    const [waiting] = await tx
      .select({ n: count() })
      .from(deployments)
      .innerJoin(environments, eq(environments.id, deployments.environmentId))
      .where(
        and(
          eq(deployments.workspaceId, workspaceId),
          eq(deployments.status, "pending"),
          isNull(deployments.image),
          eq(environments.kind, "production"),
          ne(deployments.id, input.deploymentId),
        ),
      );
    const decision = decideBuildSlot({
      cap: input.cap,
      building: building?.n ?? 0,
      isProduction: row.kind === "production",
      productionWaiting: waiting?.n ?? 0,
    });
    if (!decision.take) return { outcome: "wait", reason: decision.reason };
    const moved = await transitionDeployment(tx, {
      id: input.deploymentId,
      event: "startBuild",
      at: input.at,
    });
    return moved
      ? { outcome: "claimed", deployment: moved.row, followUps: moved.followUps }
      : { outcome: "gone" };
  });
}
