import { eq } from "drizzle-orm";
import { insertAuditLog } from "../db/repositories/audit-log-repository.js";
import { deployments } from "../db/schema/index.js";
import { followUpsOfDeployments } from "../deployments/current-follow-ups.js";
import { enqueueFollowUps } from "../deployments/enqueue-follow-ups.js";
import { transitionDeployment } from "../deployments/transition.js";
import { canWrite } from "../github/github-api.js";
import { approveActionIdentifier } from "../github-reporting/check-run-content.js";
import type { IntakeContext } from "./intake-context.js";

type Json = Record<string, unknown>;

/**
 * `check_run.requested_action`: the Approve button on a fork's check run. GitHub lets anyone
 * who can see the check press it, so it is honoured only for users with write access.
 */
export async function handleCheckRunAction(
  deps: IntakeContext,
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
    await enqueueFollowUps(deps.jobs, await followUpsOfDeployments(deps.db, [deployment.id]));
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
    await insertAuditLog(deps.db, {
      workspaceId: deployment.workspaceId,
      actor: { type: "github", id: login },
      at,
      action: "deployment.approve_refused",
      targetType: "deployment",
      targetId: deployment.id,
      context: { permission },
    });
    return;
  }
  const approved = await transitionDeployment(deps.db, {
    id: deployment.id,
    event: "approve",
    at,
    patch: { approvedBy: `github:${login}` },
    by: { actor: { type: "github", id: login } },
    auditContext: { via: "check_run" },
  });
  if (approved) await enqueueFollowUps(deps.jobs, approved.followUps);
}
