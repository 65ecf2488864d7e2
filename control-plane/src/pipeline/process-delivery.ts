import { and, eq, inArray, isNull, like, or, sql } from "drizzle-orm";
import type { Database, DatabaseOrTransaction } from "../db/client.js";
import { preparedStatement } from "../db/prepared.js";
import {
  deployments,
  type EnvironmentRow,
  githubDeliveries,
  githubInstallations,
} from "../db/schema/index.js";
import { enqueuePowerJobs } from "../deploy/power-jobs.js";
import { canWrite, type GitHubApi } from "../github/github-api.js";
import { type Job, PermanentJobError } from "../jobs/job-types.js";
import type { JobQueues } from "../jobs/queues.js";
import type { Clock } from "../services/context.js";
import { handleCheckRunAction } from "./check-run-action.js";
import { appsOfRepository } from "./connected-apps.js";
import { readPullRequest, readPush } from "./delivery-payloads.js";
import { decidePullRequest, isFork } from "./pull-request-decision.js";
import { decidePush, type EnvironmentTarget } from "./push-decision.js";
import { type NewDeployment, recordDeliveryDeployments } from "./record-deployments.js";
import { reportChanges, reportJobsOf } from "./report-changes.js";
import { reportPullRequestOpened } from "./report-pull-request-opened.js";
import { nextStepJobOf } from "./start-queued-deployments.js";
import { changedFilesOf, pushFileListMayBeIncomplete } from "./watch-paths.js";

export interface PipelineDependencies {
  db: Database;
  github: GitHubApi | undefined;
  /** Where follow-up jobs (builds, reporting to GitHub) go. */
  jobs: Pick<JobQueues, "enqueue">;
  clock: Clock;
  log: { info(object: object, message: string): void; warn(object: object, message: string): void };
}

const target = (environment: EnvironmentRow): EnvironmentTarget => ({
  id: environment.id,
  kind: environment.kind,
  autoDeploy: environment.build.autoDeploy,
  watchPaths: environment.build.watchPaths,
});

async function planPush(
  deps: PipelineDependencies,
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
  return connected.flatMap(({ app, production, preview }) => {
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
      return [];
    }
    return [
      {
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
      },
    ];
  });
}

async function planPullRequest(
  deps: PipelineDependencies,
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
      const changed = await stopPullRequestPreviews(deps.db, preview.id, pr.number, at);
      await reportChanges(deps, changed);
      // The stopped previews' instances scale to zero (the CR goes idle).
      await enqueuePowerJobs(deps.jobs, changed, at);
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
  deps: PipelineDependencies,
  deliveryId: string,
  planned: readonly NewDeployment[],
): Promise<void> {
  const recorded = await recordDeliveryDeployments(deps.db, {
    deliveryId,
    at: deps.clock(),
    deployments: planned,
  });
  await enqueueAll(deps, [
    ...reportJobsOf([...recorded.deployments, ...recorded.superseded]),
    ...recorded.deployments.flatMap((deployment) => nextStepJobOf(deployment) ?? []),
  ]);
}

/**
 * A delivery found processed: its transaction committed, but the worker that wrote it may have
 * died (or lost Redis) before enqueueing what follows. Enqueueing it again adds nothing twice:
 * job ids are the deployment and its step or status.
 */
async function resumeFollowUps(deps: PipelineDependencies, deliveryId: string): Promise<void> {
  const made = await deps.db
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
      deps.db
        .select()
        .from(deployments)
        .where(
          and(
            eq(deployments.environmentId, deployment.environmentId),
            eq(deployments.status, "superseded"),
            eq(deployments.updatedAt, deployment.createdAt),
          ),
        ),
    ),
  );
  await enqueueAll(deps, [
    ...reportJobsOf([...made, ...superseded.flat()]),
    ...made.flatMap((deployment) => nextStepJobOf(deployment) ?? []),
  ]);
}

const enqueueAll = async (deps: PipelineDependencies, jobs: Job[]) => {
  // Issued together, so the commands share round trips to Redis.
  await Promise.all(jobs.map((job) => deps.jobs.enqueue(job)));
};

const markProcessed = (db: DatabaseOrTransaction, deliveryId: string, at: Date, error?: string) =>
  db
    .update(githubDeliveries)
    .set({ processedAt: at, ...(error ? { error } : {}) })
    .where(and(eq(githubDeliveries.id, deliveryId), isNull(githubDeliveries.processedAt)));

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
  deps: PipelineDependencies,
  deliveryId: string,
): Promise<void> {
  const [delivery] = await deliveryStatement(deps.db).execute({ deliveryId });
  if (!delivery) throw new PermanentJobError(`delivery ${deliveryId} is not stored`);
  if (delivery.processedAt) {
    const deploys = delivery.event === "push" || delivery.event === "pull_request";
    if (deploys && !delivery.error) await resumeFollowUps(deps, delivery.id);
    return;
  }
  try {
    if (delivery.event === "push" || delivery.event === "pull_request") {
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
      await markProcessed(deps.db, deliveryId, deps.clock(), error.message);
    }
    throw error;
  }
  await markProcessed(deps.db, deliveryId, deps.clock());
}
