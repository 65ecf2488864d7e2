import { type DeploymentTrigger, newId } from "@slipway/shared";
import { and, eq, inArray, like, or } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { deployments, type EnvironmentRow } from "../db/schema/index.js";
import {
  type FollowUpFacts,
  type FollowUps,
  followUpsOfCurrent,
  mergeFollowUps,
  reportJobsOf,
} from "./follow-ups.js";
import {
  CREATE_AUDIT_ACTION,
  type InitialStatus,
  lifecycleTransitions,
  sqlStatusList,
} from "./lifecycle-table.js";

/** A deployment a webhook delivery asks for. */
export interface NewDeployment {
  /** Unique per delivery and app: a retried job finds the row it made before (`push:<delivery>:<app>`). */
  idempotencyKey: string;
  workspaceId: string;
  projectId: string;
  appId: string;
  environment: EnvironmentRow;
  status: Extract<InitialStatus, "pending" | "skipped" | "awaiting_approval">;
  trigger: DeploymentTrigger;
  git: {
    commitSha: string;
    branch: string;
    repository: string;
    commitMessage?: string | undefined;
    author?: string | undefined;
  };
  pullRequestNumber?: number | undefined;
  forkRepository?: string | undefined;
  githubInstallationId?: string | undefined;
  skipReason?: string | undefined;
  /** Who the audit log names: the pusher or the pull request's author. */
  actor: string;
}

export interface RecordedDelivery {
  /** Deployments this delivery made: new rows, or the rows an earlier run of it made. */
  deployments: FollowUpFacts[];
  /** Queued deployments of the same environment and branch that the new ones replaced. */
  superseded: FollowUpFacts[];
  /** Their reports, and each new deployment's first step. */
  followUps: FollowUps;
}

const supersede = lifecycleTransitions.supersede;

const returned = "id, status, image, created_at, updated_at, github_installation_id";

/**
 * One statement, so one round trip and one commit, prepared once per connection: it runs for
 * every push GitHub sends. It inserts the deployments (once per idempotency key), supersedes
 * the queued ones of the same environment and branch that are older, writes the audit log and
 * marks the delivery processed, all or nothing. It reads no other deployment: on a table
 * PostgreSQL has not analyzed yet (a new install, its first busy minute) such a read is planned
 * as a scan of every deployment.
 */
const recordStatement = `
with input as (
  select * from jsonb_to_recordset($1::jsonb) as input(
    id text, idempotency_key text, workspace_id text, project_id text, app_id text,
    environment_id text, status text, trigger text, git_commit_sha text, git_branch text,
    git_repository text, git_commit_message text, git_author text, pull_request_number integer,
    fork_repository text, github_installation_id text, skip_reason text, runtime jsonb,
    regions jsonb, audit_id text, actor text)
),
inserted as (
  insert into deployments (id, idempotency_key, workspace_id, project_id, app_id, environment_id,
    status, trigger, git_commit_sha, git_branch, git_repository, git_commit_message, git_author,
    pull_request_number, fork_repository, github_installation_id, skip_reason, runtime, regions,
    created_at)
  select id, idempotency_key, workspace_id, project_id, app_id, environment_id, status, trigger,
    git_commit_sha, git_branch, git_repository, git_commit_message, git_author,
    pull_request_number, fork_repository, github_installation_id, skip_reason, runtime, regions, $2
  from input
  on conflict (idempotency_key) do nothing
  returning ${returned}, environment_id, git_branch
),
superseded as (
  update deployments as older set status = '${supersede.to}', updated_at = $2
  from inserted
  where inserted.status = 'pending' and older.status in (${sqlStatusList(supersede.from)})
    and older.environment_id = inserted.environment_id and older.git_branch = inserted.git_branch
    and older.id < inserted.id
  returning ${returned.replace(/(\w+)/g, "older.$1")}
),
audited as (
  insert into audit_logs (id, workspace_id, actor_type, actor_id, action, target_type, target_id,
    context, created_at)
  select input.audit_id, input.workspace_id, 'github', input.actor, '${CREATE_AUDIT_ACTION}',
    'deployment', inserted.id, jsonb_build_object('deliveryId', $3::text), $2
  from inserted join input on input.id = inserted.id
),
processed as (
  update github_deliveries set processed_at = $2 where id = $3 and processed_at is null
)
select 'made' as role, ${returned} from inserted
union all
select 'superseded', ${returned} from superseded`;

interface Row {
  role: "made" | "superseded";
  id: string;
  status: string;
  image: string | null;
  created_at: Date;
  updated_at: Date | null;
  github_installation_id: string | null;
}

const recorded = (row: Row): FollowUpFacts => ({
  id: row.id,
  status: row.status,
  image: row.image,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  githubInstallationId: row.github_installation_id,
});

/**
 * Records what a delivery decided and marks it processed, atomically. Safe to run again: the
 * delivery is marked once, and each deployment exists once per idempotency key.
 */
export async function recordDeliveryDeployments(
  db: Database,
  input: { deliveryId: string; at: Date; deployments: readonly NewDeployment[] },
): Promise<RecordedDelivery> {
  const at = input.at.getTime();
  const records = input.deployments.map((deployment) => ({
    id: newId("deployment", at),
    idempotency_key: deployment.idempotencyKey,
    workspace_id: deployment.workspaceId,
    project_id: deployment.projectId,
    app_id: deployment.appId,
    environment_id: deployment.environment.id,
    status: deployment.status,
    trigger: deployment.trigger,
    git_commit_sha: deployment.git.commitSha,
    git_branch: deployment.git.branch,
    git_repository: deployment.git.repository,
    git_commit_message: deployment.git.commitMessage ?? null,
    git_author: deployment.git.author ?? null,
    pull_request_number: deployment.pullRequestNumber ?? null,
    fork_repository: deployment.forkRepository ?? null,
    github_installation_id: deployment.githubInstallationId ?? null,
    skip_reason: deployment.skipReason ?? null,
    runtime: deployment.environment.runtime,
    regions: deployment.environment.regions.map((region) => region.name),
    audit_id: newId("auditLog", at),
    actor: deployment.actor,
  }));
  const result = await db.$client.query<Row>({
    name: "record_delivery_deployments",
    text: recordStatement,
    values: [JSON.stringify(records), input.at, input.deliveryId],
  });
  const made = result.rows.filter((row) => row.role === "made").map(recorded);
  if (made.length < records.length) {
    // A retried job: the deployments an earlier run made come back as they are, so their
    // follow-ups are enqueued again.
    const existing = await db
      .select()
      .from(deployments)
      .where(
        inArray(
          deployments.idempotencyKey,
          records.map((record) => record.idempotency_key),
        ),
      );
    const madeIds = new Set(made.map((deployment) => deployment.id));
    made.push(...existing.filter((deployment) => !madeIds.has(deployment.id)));
  }
  const superseded = result.rows.filter((row) => row.role === "superseded").map(recorded);
  return {
    deployments: made,
    superseded,
    followUps: mergeFollowUps(followUpsOfCurrent(made), {
      jobs: reportJobsOf(superseded),
      cancellations: [],
    }),
  };
}

/**
 * The follow-ups of a delivery found processed: its transaction committed, but the worker that
 * wrote it may have died (or lost Redis) before enqueueing them. Sending them again adds
 * nothing twice: job ids are the deployment and its step or status.
 */
export async function followUpsOfRecordedDelivery(
  db: Database,
  deliveryId: string,
): Promise<FollowUps> {
  const made = await db
    .select()
    .from(deployments)
    .where(
      or(
        like(deployments.idempotencyKey, `push:${deliveryId}:%`),
        like(deployments.idempotencyKey, `pull_request:${deliveryId}:%`),
      ),
    );
  const superseded = await Promise.all(
    made.map((deployment) =>
      db
        .select()
        .from(deployments)
        .where(
          and(
            eq(deployments.environmentId, deployment.environmentId),
            eq(deployments.status, supersede.to),
            eq(deployments.updatedAt, deployment.createdAt),
          ),
        ),
    ),
  );
  return mergeFollowUps(followUpsOfCurrent(made), {
    jobs: reportJobsOf(superseded.flat()),
    cancellations: [],
  });
}
