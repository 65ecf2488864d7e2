import { newId } from "@slipway/shared";
import type { Database } from "../db/client.js";
import { type FollowUps, noFollowUps, reportJobsOf } from "./follow-ups.js";
import { lifecycleTransitions, sqlStatusList } from "./lifecycle-table.js";

const failBuild = lifecycleTransitions.failBuild;

export const NO_BUILDER_MESSAGE =
  "This Slipway has no builder configured: set SLIPWAY_BUILDKIT_ADDR and SLIPWAY_REGISTRY on the worker.";

/**
 * One statement, all or nothing: the deployment fails at its build step (only if it is still
 * waiting to build: one that moved on is left alone) and the step is recorded failed, or an
 * open one closed. Prepared once per connection: on an install without a builder every push
 * comes here.
 */
const failStatement = `
with failed as (
  update deployments set status = '${failBuild.to}', error_code = 'build_failed', error_step = $2,
    error_message = $3, updated_at = $4
  where id = $1 and status in (${sqlStatusList(failBuild.from)})
  returning id, workspace_id, status, created_at, updated_at, github_installation_id
),
step as (
  insert into deployment_steps (id, workspace_id, deployment_id, name, status, started_at,
    finished_at, error_message, created_at)
  select $5, workspace_id, id, $2, 'failed', $4, $4, $3, $4 from failed
  on conflict (deployment_id, name) do update set status = 'failed',
    finished_at = excluded.finished_at,
    error_message = coalesce(deployment_steps.error_message, excluded.error_message)
  where deployment_steps.finished_at is null
)
select id, status, created_at, updated_at, github_installation_id from failed`;

/** Fails a deployment that cannot be built here; no follow-ups when it had moved on already. */
export async function failWithoutBuilder(
  db: Database,
  input: { deploymentId: string; step: string; at: Date },
): Promise<FollowUps> {
  const result = await db.$client.query<{
    id: string;
    status: string;
    created_at: Date;
    updated_at: Date | null;
    github_installation_id: string | null;
  }>({
    name: "fail_without_builder",
    text: failStatement,
    values: [
      input.deploymentId,
      input.step,
      NO_BUILDER_MESSAGE,
      input.at,
      newId("deploymentStep", input.at.getTime()),
    ],
  });
  const [row] = result.rows;
  if (!row) return noFollowUps();
  const reported = {
    id: row.id,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    githubInstallationId: row.github_installation_id,
  };
  return { jobs: reportJobsOf([reported]), cancellations: [] };
}
