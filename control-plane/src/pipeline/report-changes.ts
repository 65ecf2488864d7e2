import { inArray } from "drizzle-orm";
import { deployments } from "../db/schema/index.js";
import type { PipelineDependencies } from "./process-delivery.js";

/**
 * Enqueues a GitHub report for each deployment whose status just changed. `because` names a
 * change the status does not show (a promotion moving the domains), so its report is a new job.
 */
export async function reportChanges(
  deps: { db: PipelineDependencies["db"]; jobs: PipelineDependencies["jobs"] | undefined },
  deploymentIds: string[],
  because?: string,
): Promise<void> {
  if (!deps.jobs || deploymentIds.length === 0) return;
  const rows = await deps.db
    .select({
      id: deployments.id,
      status: deployments.status,
      updatedAt: deployments.updatedAt,
      createdAt: deployments.createdAt,
      installation: deployments.githubInstallationId,
    })
    .from(deployments)
    .where(inArray(deployments.id, deploymentIds));
  for (const row of rows) {
    if (!row.installation) continue;
    const revision = `${row.status}-${(row.updatedAt ?? row.createdAt).getTime()}${because ? `-${because}` : ""}`;
    await deps.jobs.enqueue({ name: "github.report", data: { deploymentId: row.id, revision } });
  }
}
