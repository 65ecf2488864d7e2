import { newId } from "@slipway/shared";
import { and, eq } from "drizzle-orm";
import { auditLogs, deployments } from "../db/schema/index.js";
import { canWrite } from "../github/github-api.js";
import { approveActionIdentifier } from "./check-run-content.js";
import type { PipelineDependencies } from "./process-delivery.js";
import { reportChanges } from "./report-changes.js";
import { startQueuedDeployments } from "./start-queued-deployments.js";

type Json = Record<string, unknown>;

/**
 * `check_run.requested_action`: the Approve button on a fork's check run. GitHub lets anyone
 * who can see the check press it, so it is honoured only for users with write access.
 */
export async function handleCheckRunAction(
  deps: PipelineDependencies,
  installationId: string | null,
  payload: Json,
): Promise<void> {
  const action = (payload.requested_action as Json | undefined)?.identifier;
  const checkRun = payload.check_run as Json | undefined;
  const login = (payload.sender as Json | undefined)?.login;
  const repository = (payload.repository as Json | undefined)?.full_name;
  if (
    action !== approveActionIdentifier ||
    !checkRun ||
    typeof login !== "string" ||
    typeof repository !== "string"
  )
    return;
  if (!deps.github || !installationId) return;
  const [deployment] = await deps.db
    .select()
    .from(deployments)
    .where(eq(deployments.githubCheckRunId, String(checkRun.id)));
  if (!deployment) return;
  if (deployment.status === "pending") {
    // Approved before, and the job that approved it may have died before it could enqueue.
    await startQueuedDeployments(deps, [deployment.id]);
    return;
  }
  if (deployment.status !== "awaiting_approval") return;
  const permission = await deps.github.permissionOf({ installationId, repository, login });
  const at = deps.clock();
  if (!canWrite(permission)) {
    deps.log.warn(
      { deploymentId: deployment.id, login, permission },
      "approval refused: no write access",
    );
    await deps.db.insert(auditLogs).values({
      id: newId("auditLog", at.getTime()),
      workspaceId: deployment.workspaceId,
      actorType: "github",
      actorId: login,
      action: "deployment.approve_refused",
      targetType: "deployment",
      targetId: deployment.id,
      context: { permission },
      createdAt: at,
    });
    return;
  }
  const approved = await deps.db
    .update(deployments)
    .set({ status: "pending", approvedBy: `github:${login}`, updatedAt: at })
    .where(and(eq(deployments.id, deployment.id), eq(deployments.status, "awaiting_approval")))
    .returning({ id: deployments.id });
  if (approved.length === 0) return;
  await deps.db.insert(auditLogs).values({
    id: newId("auditLog", at.getTime()),
    workspaceId: deployment.workspaceId,
    actorType: "github",
    actorId: login,
    action: "deployment.approve",
    targetType: "deployment",
    targetId: deployment.id,
    context: { via: "check_run" },
    createdAt: at,
  });
  await reportChanges(deps, [deployment.id]);
  await startQueuedDeployments(deps, [deployment.id]);
}
