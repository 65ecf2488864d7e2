import { newId } from "@slipway/shared";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database, DatabaseOrTransaction } from "../db/client.js";
import {
  type AppRow,
  apps,
  auditLogs,
  deployments,
  type EnvironmentRow,
  environments,
  githubDeliveries,
  githubInstallations,
} from "../db/schema/index.js";
import { enqueuePowerJobs } from "../deploy/power-jobs.js";
import { canWrite, type GitHubApi } from "../github/github-api.js";
import { PermanentJobError } from "../jobs/job-types.js";
import type { JobQueues } from "../jobs/queues.js";
import type { Clock } from "../services/context.js";
import { handleCheckRunAction } from "./check-run-action.js";
import { createDeploymentOnce } from "./create-deployment.js";
import { readPullRequest, readPush } from "./delivery-payloads.js";
import { decidePullRequest, isFork } from "./pull-request-decision.js";
import { decidePush, type EnvironmentTarget } from "./push-decision.js";
import { reportChanges } from "./report-changes.js";
import { reportPullRequestOpened } from "./report-pull-request-opened.js";
import { startQueuedDeployments } from "./start-queued-deployments.js";
import { changedFilesOf, pushFileListMayBeIncomplete } from "./watch-paths.js";

export interface PipelineDependencies {
  db: Database;
  github: GitHubApi | undefined;
  /** Where follow-up jobs (reporting to GitHub) go. */
  jobs: Pick<JobQueues, "enqueue">;
  clock: Clock;
  log: { info(object: object, message: string): void; warn(object: object, message: string): void };
}

interface AppWithEnvironments {
  app: AppRow;
  production: EnvironmentRow;
  preview: EnvironmentRow;
}

/** Apps connected to a repository, in every workspace, with the two environments pushes use. */
async function appsOfRepository(
  db: DatabaseOrTransaction,
  repository: string,
  installationId: string | null,
): Promise<AppWithEnvironments[]> {
  // Only the workspace that installed the App hears of its deliveries: an app naming someone
  // else's repository gets nothing.
  if (!installationId) return [];
  const rows = await db
    .select({ app: apps })
    .from(apps)
    .innerJoin(githubInstallations, eq(githubInstallations.workspaceId, apps.workspaceId))
    .where(
      and(
        eq(githubInstallations.installationId, installationId),
        sql`lower(${apps.gitRepository}) = ${repository.toLowerCase()}`,
      ),
    )
    .then((joined) => joined.map((row) => row.app));
  if (rows.length === 0) return [];
  const envs = await db
    .select()
    .from(environments)
    .where(
      inArray(
        environments.appId,
        rows.map((row) => row.id),
      ),
    );
  return rows.flatMap((app) => {
    const production = envs.find((env) => env.appId === app.id && env.kind === "production");
    const preview = envs.find((env) => env.appId === app.id && env.kind === "preview");
    return production && preview ? [{ app, production, preview }] : [];
  });
}

const target = (environment: EnvironmentRow): EnvironmentTarget => ({
  id: environment.id,
  kind: environment.kind,
  autoDeploy: environment.build.autoDeploy,
  watchPaths: environment.build.watchPaths,
});

async function auditDeployment(
  db: DatabaseOrTransaction,
  at: Date,
  workspaceId: string,
  deploymentId: string,
  deliveryId: string,
  actor: string,
) {
  await db.insert(auditLogs).values({
    id: newId("auditLog", at.getTime()),
    workspaceId,
    actorType: "github",
    actorId: actor,
    action: "deployment.create",
    targetType: "deployment",
    targetId: deploymentId,
    context: { deliveryId },
    createdAt: at,
  });
}

async function handlePush(
  deps: PipelineDependencies,
  deliveryId: string,
  installationId: string | null,
  payload: Record<string, unknown>,
) {
  const push = readPush(payload);
  const connected = await appsOfRepository(deps.db, push.repository, installationId);
  if (connected.length === 0) return;
  let changedFiles = changedFilesOf(push.commits);
  if (
    pushFileListMayBeIncomplete(push.commits.length) &&
    deps.github &&
    installationId &&
    !push.created &&
    !push.deleted
  ) {
    changedFiles = await deps.github.changedFiles({
      installationId,
      repository: push.repository,
      base: push.before,
      head: push.after,
    });
  }
  for (const { app, production, preview } of connected) {
    const decision = decidePush(
      push,
      {
        productionBranch: app.gitDefaultBranch ?? "main",
        production: target(production),
        preview: target(preview),
      },
      changedFiles,
    );
    if (decision.kind === "ignore") {
      deps.log.info({ deliveryId, appId: app.id, reason: decision.reason }, "push deploys nothing");
      continue;
    }
    const at = deps.clock();
    const result = await deps.db.transaction(async (tx) => {
      const result = await createDeploymentOnce(tx, {
        idempotencyKey: `push:${deliveryId}:${app.id}`,
        workspaceId: app.workspaceId,
        projectId: app.projectId,
        appId: app.id,
        environment: decision.environment.id === production.id ? production : preview,
        status: decision.status,
        trigger: "push",
        git: {
          commitSha: push.after,
          branch: decision.branch,
          repository: push.repository,
          commitMessage: push.headCommitMessage,
          author: push.author,
        },
        skipReason: decision.skipReason,
        githubInstallationId: installationId ?? undefined,
        at,
      });
      if (result.created) {
        await auditDeployment(
          tx,
          at,
          app.workspaceId,
          result.deployment.id,
          deliveryId,
          push.author ?? "unknown",
        );
      }
      return result;
    });
    await reportChanges(deps, [result.deployment.id, ...result.superseded]);
    await startQueuedDeployments(deps, [result.deployment.id]);
  }
}

async function handlePullRequest(
  deps: PipelineDependencies,
  deliveryId: string,
  installationId: string | null,
  payload: Record<string, unknown>,
) {
  const pr = readPullRequest(payload);
  const connected = await appsOfRepository(deps.db, pr.baseRepository, installationId);
  if (connected.length === 0) return;
  let authorCanWrite = false;
  if (deps.github && installationId && pr.action !== "closed") {
    authorCanWrite = canWrite(
      await deps.github.permissionOf({
        installationId,
        repository: pr.baseRepository,
        login: pr.author,
      }),
    );
  }
  const decision = decidePullRequest(pr, authorCanWrite);
  if (installationId && !isFork(pr) && (pr.action === "opened" || pr.action === "reopened")) {
    // The branch's previews were deployed by its pushes before the pull request existed.
    await reportPullRequestOpened(deps, {
      installationId,
      repository: pr.baseRepository,
      branch: pr.headBranch,
      deliveryId,
    });
  }
  for (const { app, preview } of connected) {
    const at = deps.clock();
    if (decision.kind === "ignore") continue;
    if (decision.kind === "stop-previews") {
      const changed = await stopPullRequestPreviews(deps.db, preview.id, pr.number, at);
      await reportChanges(deps, changed);
      // The stopped previews' instances scale to zero (the CR goes idle).
      await enqueuePowerJobs(deps.jobs, changed, at);
      continue;
    }
    const result = await deps.db.transaction(async (tx) => {
      const result = await createDeploymentOnce(tx, {
        idempotencyKey: `pull_request:${deliveryId}:${app.id}`,
        workspaceId: app.workspaceId,
        projectId: app.projectId,
        appId: app.id,
        environment: preview,
        status: decision.status,
        trigger: "pull_request",
        git: {
          commitSha: pr.headSha,
          branch: `pr-${pr.number}`,
          repository: pr.headRepository,
          commitMessage: pr.title,
          author: pr.author,
        },
        pullRequestNumber: pr.number,
        forkRepository: decision.forkRepository,
        githubInstallationId: installationId ?? undefined,
        at,
      });
      if (result.created) {
        await auditDeployment(tx, at, app.workspaceId, result.deployment.id, deliveryId, pr.author);
      }
      return result;
    });
    await reportChanges(deps, [result.deployment.id, ...result.superseded]);
    await startQueuedDeployments(deps, [result.deployment.id]);
  }
}

/** A closed pull request takes its previews down: queued ones are cancelled, running ones stopped. */
async function stopPullRequestPreviews(
  db: DatabaseOrTransaction,
  environmentId: string,
  number: number,
  at: Date,
): Promise<string[]> {
  const scope = and(
    eq(deployments.environmentId, environmentId),
    eq(deployments.pullRequestNumber, number),
  );
  const cancelled = await db
    .update(deployments)
    .set({ status: "cancelled", updatedAt: at })
    // A build in progress sees its deployment cancelled within a second and stops.
    .where(and(scope, inArray(deployments.status, ["pending", "awaiting_approval", "building"])))
    .returning({ id: deployments.id });
  const stopped = await db
    .update(deployments)
    .set({ status: "stopped", updatedAt: at })
    .where(and(scope, inArray(deployments.status, ["ready", "deploying"])))
    .returning({ id: deployments.id });
  return [...cancelled, ...stopped].map((row) => row.id);
}

/**
 * The `github.delivery` job: turns one stored delivery into deployments. Safe to run again:
 * a processed delivery is skipped, and each deployment has an idempotency key.
 */
export async function processGitHubDelivery(
  deps: PipelineDependencies,
  deliveryId: string,
): Promise<void> {
  const [delivery] = await deps.db
    .select()
    .from(githubDeliveries)
    .where(eq(githubDeliveries.id, deliveryId));
  if (!delivery) throw new PermanentJobError(`delivery ${deliveryId} is not stored`);
  if (delivery.processedAt) return;
  try {
    if (delivery.event === "push")
      await handlePush(deps, delivery.id, delivery.installationId, delivery.payload);
    if (delivery.event === "pull_request") {
      await handlePullRequest(deps, delivery.id, delivery.installationId, delivery.payload);
    }
    if (
      delivery.event === "installation" &&
      delivery.action === "deleted" &&
      delivery.installationId
    ) {
      // The App was uninstalled: its deliveries reach no workspace any more.
      await deps.db
        .delete(githubInstallations)
        .where(eq(githubInstallations.installationId, delivery.installationId));
    }
    if (delivery.event === "check_run" && delivery.action === "requested_action") {
      await handleCheckRunAction(deps, delivery.installationId, delivery.payload);
    }
  } catch (error) {
    if (error instanceof PermanentJobError) {
      await deps.db
        .update(githubDeliveries)
        .set({ processedAt: deps.clock(), error: error.message })
        .where(and(eq(githubDeliveries.id, deliveryId), isNull(githubDeliveries.processedAt)));
    }
    throw error;
  }
  await deps.db
    .update(githubDeliveries)
    .set({ processedAt: deps.clock() })
    .where(and(eq(githubDeliveries.id, deliveryId), isNull(githubDeliveries.processedAt)));
}
