import { type CompiledGlob, compileGlobs, GlobError } from "@slipway/shared";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client.js";
import { preparedStatement } from "../db/prepared.js";
import {
  type EnvironmentRow,
  type GithubDeliveryRow,
  githubDeliveries,
  githubInstallations,
} from "../db/schema/index.js";
import { closePullRequestPreviews } from "../deployments/close-previews.js";
import { enqueueFollowUps } from "../deployments/enqueue-follow-ups.js";
import {
  followUpsOfRecordedDelivery,
  type NewDeployment,
  recordDeliveryDeployments,
} from "../deployments/record-delivery.js";
import { canWrite } from "../github/github-api.js";
import { PermanentJobError } from "../jobs/job-types.js";
import { handleCheckRunAction } from "./check-run-action.js";
import { appsOfRepository } from "./connected-apps.js";
import { readPullRequest, readPush } from "./delivery-payloads.js";
import type { IntakeContext } from "./intake-context.js";
import { decidePullRequest, isFork } from "./pull-request-decision.js";
import { claimPush, defaultReplayWindowMs } from "./push-claims.js";
import { decidePush, type EnvironmentTarget } from "./push-decision.js";
import { pushIdentityOf } from "./push-identity.js";
import { reportPullRequestOpened } from "./report-pull-request-opened.js";
import {
  changedFilesOf,
  matchWatchPaths,
  pushFileListMayBeIncomplete,
  type WatchPathVerdict,
} from "./watch-paths.js";

const target = (environment: EnvironmentRow): EnvironmentTarget => ({
  id: environment.id,
  kind: environment.kind,
  autoDeploy: environment.build.autoDeploy,
  watchPaths: environment.build.watchPaths,
});

async function planPush(
  deps: IntakeContext,
  deliveryId: string,
  installationId: string | null,
  payload: Record<string, unknown>,
): Promise<NewDeployment[]> {
  const push = readPush(payload);
  const connected = await appsOfRepository(deps.db, push.repository, installationId);
  if (connected.length === 0) return [];
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
  const planned: NewDeployment[] = [];
  for (const { app, production, preview } of connected) {
    const verdicts = new Map([
      [production.id, await watchPathVerdictOf(production, changedFiles)],
      [preview.id, await watchPathVerdictOf(preview, changedFiles)],
    ]);
    const decision = decidePush(
      push,
      {
        productionBranch: app.gitDefaultBranch ?? "main",
        production: target(production),
        preview: target(preview),
      },
      (environment) => verdicts.get(environment.id)!,
    );
    if (decision.kind === "ignore") {
      deps.log.info({ deliveryId, appId: app.id, reason: decision.reason }, "push deploys nothing");
      continue;
    }
    planned.push({
      actor: push.author ?? "unknown",
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
    });
  }
  return planned;
}

/**
 * Whether a push touches an environment's watch paths, compiled once per delivery. Patterns
 * saved before they were checked on write and that do not compile skip the deployment with a
 * reason that says which one to fix.
 */
async function watchPathVerdictOf(
  environment: EnvironmentRow,
  changedFiles: readonly string[],
): Promise<WatchPathVerdict> {
  let globs: CompiledGlob[];
  try {
    globs = compileGlobs(environment.build.watchPaths);
  } catch (error) {
    if (!(error instanceof GlobError)) throw error;
    return {
      matches: false,
      reason: `The ${environment.kind} environment's watch paths cannot be used: ${error.message}. Fix them in its build settings.`,
    };
  }
  return matchWatchPaths(globs, changedFiles);
}

async function planPullRequest(
  deps: IntakeContext,
  deliveryId: string,
  installationId: string | null,
  payload: Record<string, unknown>,
): Promise<NewDeployment[]> {
  const pr = readPullRequest(payload);
  const connected = await appsOfRepository(deps.db, pr.baseRepository, installationId);
  if (connected.length === 0) return [];
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
  if (decision.kind === "ignore") return [];
  const at = deps.clock();
  if (decision.kind === "stop-previews") {
    for (const { preview } of connected) {
      const followUps = await closePullRequestPreviews(deps.db, {
        environmentId: preview.id,
        pullRequestNumber: pr.number,
        at,
        by: { actor: { type: "github", id: pr.author } },
      });
      await enqueueFollowUps(deps.jobs, followUps);
    }
    return [];
  }
  return connected.map(({ app, preview }) => ({
    actor: pr.author,
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
  }));
}

/**
 * Writes a delivery's deployments and marks it processed in one statement, then enqueues what
 * follows: each new deployment's build, and GitHub reports of it and of the queued ones it
 * superseded.
 */
async function recordDeployments(
  deps: IntakeContext,
  deliveryId: string,
  planned: readonly NewDeployment[],
): Promise<void> {
  const recorded = await recordDeliveryDeployments(deps.db, {
    deliveryId,
    at: deps.clock(),
    deployments: planned,
  });
  await enqueueFollowUps(deps.jobs, recorded.followUps);
}

const markProcessed = (
  db: DatabaseOrTransaction,
  deliveryId: string,
  at: Date,
  outcome: { error?: string; duplicateOf?: string } = {},
) =>
  db
    .update(githubDeliveries)
    .set({ processedAt: at, ...outcome })
    .where(and(eq(githubDeliveries.id, deliveryId), isNull(githubDeliveries.processedAt)));

/**
 * Whether another delivery already brought this push within the replay window (a replay under
 * a new delivery id): then this one is recorded as its duplicate and deploys nothing.
 */
async function isReplay(deps: IntakeContext, delivery: GithubDeliveryRow): Promise<boolean> {
  const key = pushIdentityOf(delivery.event, delivery.payload);
  if (!key) return false;
  const claim = await claimPush(deps.db, {
    key,
    deliveryId: delivery.id,
    receivedAt: delivery.receivedAt,
    windowMs: deps.replayWindowMs ?? defaultReplayWindowMs,
  });
  if (claim.won) return false;
  const duplicateOf = claim.ownerDeliveryId ?? "(unknown)";
  deps.log.info({ deliveryId: delivery.id, duplicateOf }, "delivery repeats an earlier push");
  await markProcessed(deps.db, delivery.id, deps.clock(), { duplicateOf });
  return true;
}

const deliveryStatement = preparedStatement((db) =>
  db
    .select()
    .from(githubDeliveries)
    .where(eq(githubDeliveries.id, sql.placeholder("deliveryId")))
    .prepare("github_delivery_by_id"),
);

/**
 * The `github.delivery` job: turns one stored delivery into deployments. Safe to run again:
 * a processed delivery is skipped, and each deployment has an idempotency key.
 */
export async function processGitHubDelivery(
  deps: IntakeContext,
  deliveryId: string,
): Promise<void> {
  const [delivery] = await deliveryStatement(deps.db).execute({ deliveryId });
  if (!delivery) throw new PermanentJobError(`delivery ${deliveryId} is not stored`);
  if (delivery.processedAt) {
    const deploys = delivery.event === "push" || delivery.event === "pull_request";
    if (deploys && !delivery.error && !delivery.duplicateOf) {
      await enqueueFollowUps(deps.jobs, await followUpsOfRecordedDelivery(deps.db, delivery.id));
    }
    return;
  }
  try {
    if (delivery.event === "push" || delivery.event === "pull_request") {
      if (await isReplay(deps, delivery)) return;
      const plan = delivery.event === "push" ? planPush : planPullRequest;
      const planned = await plan(deps, delivery.id, delivery.installationId, delivery.payload);
      return await recordDeployments(deps, delivery.id, planned);
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
      await markProcessed(deps.db, deliveryId, deps.clock(), { error: error.message });
    }
    throw error;
  }
  await markProcessed(deps.db, deliveryId, deps.clock());
}
