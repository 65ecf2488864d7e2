import {
  type DeploymentErrorCode,
  type DeploymentStatus,
  type DeploymentTrigger,
  deploymentErrorCodes,
  deploymentStatuses,
  type EnvironmentRuntime,
} from "@slipway/shared";
import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { appRef } from "./apps.js";
import { createdAt, updatedAt } from "./columns.js";
import { environmentRef } from "./environments.js";
import { projectRef } from "./projects.js";
import { workspaceRef } from "./workspaces.js";

const inList = (values: readonly string[]) => values.map((value) => `'${value}'`).join(", ");

/** One immutable deployment: one commit or image, one snapshot of the runtime settings. */
export const deployments = pgTable(
  "deployments",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    projectId: projectRef(),
    appId: appRef(),
    environmentId: environmentRef(),
    status: text("status").$type<DeploymentStatus>().notNull(),
    trigger: text("trigger").$type<DeploymentTrigger>().notNull(),
    gitCommitSha: text("git_commit_sha"),
    gitBranch: text("git_branch"),
    gitRepository: text("git_repository"),
    gitCommitMessage: text("git_commit_message"),
    gitAuthor: text("git_author"),
    pullRequestNumber: integer("pull_request_number"),
    /** `owner/name` of the fork a pull request came from; null for same-repository changes. */
    forkRepository: text("fork_repository"),
    image: text("image"),
    /** Why a `skipped` deployment did not run, in words a person can act on. */
    skipReason: text("skip_reason"),
    errorCode: text("error_code").$type<DeploymentErrorCode>(),
    errorStep: text("error_step"),
    errorMessage: text("error_message"),
    /**
     * What made this deployment, unique: a webhook retried after a crash finds the row it
     * already created instead of making a second one (e.g. `push:<delivery>:<app>`).
     */
    idempotencyKey: text("idempotency_key"),
    /** The GitHub App installation that reported this deployment's commit, for reporting back. */
    githubInstallationId: text("github_installation_id"),
    /** The check run that shows this deployment on the commit. */
    githubCheckRunId: text("github_check_run_id"),
    /** The GitHub deployment (Deployments API) that mirrors this one on the repository. */
    githubDeploymentId: text("github_deployment_id"),
    /** The uploaded source tree a CLI deploy builds (`source_uploads`), instead of a commit. */
    sourceUploadId: text("source_upload_id"),
    /**
     * Secret of the deployment's log page link shown on GitHub (`/deployments/<id>/logs?token=`):
     * whoever sees the check run may read the log, nobody who merely guesses an id.
     */
    logToken: text("log_token").notNull().default(sql`replace(gen_random_uuid()::text, '-', '')`),
    /** The deployment a `createDeployment` with a `deployment` source re-runs. */
    sourceDeploymentId: text("source_deployment_id"),
    /**
     * Hostnames that route to this deployment besides the environment's domains: a preview's
     * per-branch and per-deployment names. Set when the deployment becomes ready.
     */
    hostnames: jsonb("hostnames").$type<string[]>().notNull().default([]),
    /** Who let an awaiting_approval deployment proceed (`github:<login>` or a root key id). */
    approvedBy: text("approved_by"),
    runtime: jsonb("runtime").$type<EnvironmentRuntime>().notNull(),
    regions: jsonb("regions").$type<string[]>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    index("deployments_workspace_idx").on(table.workspaceId, table.id),
    index("deployments_environment_idx").on(table.environmentId, table.id),
    uniqueIndex("deployments_idempotency_key_unique").on(table.idempotencyKey),
    // The queries on the hot path look only at deployments still on their way, a handful
    // among the thousands an environment collects: superseding the queued ones of a branch,
    // and counting a workspace's build slots. Partial indexes keep them as cheap on a
    // years-old environment as on a new one (the two above would scan every deployment).
    index("deployments_queued_idx")
      .on(table.environmentId, table.gitBranch)
      .where(sql`status = 'pending'`),
    index("deployments_in_flight_idx")
      .on(table.workspaceId, table.status)
      .where(sql`status in ('pending', 'building', 'deploying')`),
    check("deployments_status", sql.raw(`status in (${inList(deploymentStatuses)})`)),
    check(
      "deployments_error_code",
      sql.raw(`error_code is null or error_code in (${inList(deploymentErrorCodes)})`),
    ),
  ],
);

export type DeploymentRow = typeof deployments.$inferSelect;
