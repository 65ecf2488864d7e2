import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BuildError, type BuildSource, makeRedactor } from "@slipway/shared";
import { eq } from "drizzle-orm";
import { decryptEnvironmentVariables } from "../crypto/decrypt-environment.js";
import type { EnvVarCipher } from "../crypto/env-var-cipher.js";
import { deleteSourceUpload } from "../db/repositories/source-upload-repository.js";
import {
  apps,
  type DeploymentRow,
  deployments,
  environments,
  projects,
  sourceUploads,
} from "../db/schema/index.js";
import { claimBuildSlot } from "../deployments/build-slot.js";
import { enqueueFollowUps } from "../deployments/enqueue-follow-ups.js";
import { failWithoutBuilder } from "../deployments/fail-without-builder.js";
import { BUILD_STEP, finishBuild } from "../deployments/finish-build.js";
import { finishDeploymentStep, startDeploymentStep } from "../deployments/steps.js";
import type { GitHubSource } from "../github/github-source.js";
import type { CancellationBus } from "../jobs/cancellations.js";
import type { JobContext } from "../jobs/job-context.js";
import { RetryLaterError } from "../jobs/job-types.js";
import type { JobRun } from "../jobs/queues.js";
import { describeBuildFailure, makeBuildRequest, shouldRetryBuild } from "./build-request.js";
import type { BuildService } from "./build-service.js";
import { openDeploymentLog } from "./deployment-log-writer.js";

export interface BuildStepDependencies {
  cipher: EnvVarCipher;
  /** Undefined where this install has no builder configured. */
  builder: BuildService | undefined;
  githubSource: GitHubSource | undefined;
  cancellations: Pick<CancellationBus, "watch">;
  /** Builds running at once per workspace. */
  buildSlotsPerWorkspace: number;
}

type Deps = JobContext & BuildStepDependencies;

const STEP = BUILD_STEP;
/** How often a running build re-reads its deployment, in case a cancel announcement was missed. */
const STATUS_POLL_MS = 1000;
const SLOT_RETRY_MS = 2000;

/**
 * The `deployment.build` job: takes a build slot, builds and pushes the image of the
 * deployment's commit, streams the build's output into the deployment's log, then hands the
 * deployment to the deploy step. Safe to run again: a retried or recovered job resumes a
 * deployment that is still `building` and leaves one that moved on alone.
 */
export async function runBuildJob(deps: Deps, deploymentId: string, run?: JobRun): Promise<void> {
  // Without a builder there is nothing to wait for: no slot is taken, the deployment fails at once.
  if (!deps.builder) {
    const followUps = await failWithoutBuilder(deps.db, {
      deploymentId,
      step: STEP,
      at: deps.clock(),
    });
    await enqueueFollowUps(deps.jobs, followUps);
    return;
  }
  const claim = await claimBuildSlot(deps.db, {
    deploymentId,
    cap: deps.buildSlotsPerWorkspace,
    at: deps.clock(),
  });
  if (claim.outcome === "gone") return;
  if (claim.outcome === "wait") throw new RetryLaterError(SLOT_RETRY_MS, claim.reason);
  const deployment = claim.deployment;
  if (claim.outcome === "claimed") await enqueueFollowUps(deps.jobs, claim.followUps);
  await startDeploymentStep(deps.db, {
    workspaceId: deployment.workspaceId,
    deploymentId: deployment.id,
    name: STEP,
    at: deps.clock(),
  });

  const [context] = await deps.db
    .select({ environment: environments, app: apps, projectSlug: projects.slug })
    .from(environments)
    .innerJoin(apps, eq(apps.id, environments.appId))
    .innerJoin(projects, eq(projects.id, environments.projectId))
    .where(eq(environments.id, deployment.environmentId));
  if (!context) return; // the environment was deleted, and the deployment with it

  const builder = deps.builder;
  const env = await decryptEnvironmentVariables(deps.db, deps.cipher, deployment.environmentId);
  const log = await openDeploymentLog(deps.db, {
    workspaceId: deployment.workspaceId,
    deploymentId: deployment.id,
    redact: makeRedactor(Object.values(env)),
  });
  const say = (text: string) => log.write({ step: STEP, stream: "system", text, at: deps.clock() });

  let disposeSource = nothingToDispose;
  // The uploaded source is deleted once the build has ended, unless this attempt is retried.
  let keepUpload = false;
  const cancel = new AbortController();
  const stopWatching = deps.cancellations.watch(deployment.id, () => cancel.abort());
  const poll = setInterval(() => {
    void deps.db
      .select({ status: deployments.status })
      .from(deployments)
      .where(eq(deployments.id, deployment.id))
      .then(([row]) => {
        if (row?.status !== "building") cancel.abort();
      })
      .catch(() => undefined);
  }, STATUS_POLL_MS);

  try {
    const prepared = await sourceOf(deps, deployment);
    disposeSource = prepared.dispose;
    const source = prepared.source;
    say(
      claim.outcome === "resumed"
        ? `Building again ${describeSource(deployment)}: the previous attempt stopped without finishing${run && run.attempt > 1 ? ` (attempt ${run.attempt})` : ""}`
        : `Building ${describeSource(deployment)}`,
    );
    const request = makeBuildRequest({
      deployment,
      environment: context.environment,
      source,
      env,
      target: builder.imageTarget({
        workspaceId: deployment.workspaceId,
        projectSlug: context.projectSlug,
        appSlug: context.app.slug,
      }),
    });
    const result = await builder.run(request, {
      signal: cancel.signal,
      onEvent: (event) => {
        const at = new Date(event.at);
        if (event.type === "log") {
          log.write({ step: STEP, stream: event.stream, text: event.line, at });
        } else if (event.type === "step_started") {
          log.write({ step: STEP, stream: "system", text: `▶ ${event.name}`, at });
        } else if (event.error && event.name.startsWith("importing cache manifest")) {
          // The first build of an app has no cache to import: not a failure of anything.
          log.write({ step: STEP, stream: "system", text: "  (no build cache yet)", at });
        } else if (event.error) {
          log.write({ step: STEP, stream: "system", text: `✖ ${event.name}: ${event.error}`, at });
        } else if (event.cached) {
          log.write({ step: STEP, stream: "system", text: `✔ ${event.name} (cached)`, at });
        }
      },
    });
    say(
      `Pushed ${result.imageRef} in ${result.durationSeconds.toFixed(1)} s (${result.cachedSteps} of ${result.steps.length} steps from cache)`,
    );
    await log.flush();
    const built = await finishBuild(deps.db, {
      deploymentId: deployment.id,
      at: deps.clock(),
      image: result.imageRef,
    });
    if (built) await enqueueFollowUps(deps.jobs, built);
  } catch (error) {
    if (cancel.signal.aborted) {
      say("Build stopped: the deployment was cancelled.");
      await log.flush().catch(() => undefined);
      await finishDeploymentStep(deps.db, {
        deploymentId: deployment.id,
        name: STEP,
        status: "cancelled",
        at: deps.clock(),
      });
      return;
    }
    if (shouldRetryBuild(error, run?.isLastAttempt ?? true)) {
      say(
        `Build attempt failed, trying again: ${error instanceof Error ? error.message : "unknown error"}`,
      );
      await log.flush().catch(() => undefined);
      keepUpload = true;
      throw error;
    }
    const message =
      error instanceof BuildError
        ? describeBuildFailure(error)
        : "The build failed for a reason Slipway does not recognise; see the deployment's log.";
    say(message);
    await log.flush().catch(() => undefined);
    if (!(error instanceof BuildError)) {
      deps.log.warn({ deploymentId: deployment.id, err: error }, "build failed unexpectedly");
    }
    await failBuild(deps, deployment, message);
  } finally {
    await disposeSource().catch(() => undefined);
    if (deployment.sourceUploadId && !keepUpload) {
      await deleteSourceUpload(deps.db, {
        workspaceId: deployment.workspaceId,
        id: deployment.sourceUploadId,
      }).catch((err: unknown) =>
        // Not fatal: the next upload of the workspace deletes uploads no deployment needs.
        deps.log.warn({ deploymentId: deployment.id, err }, "deleting the uploaded source failed"),
      );
    }
    clearInterval(poll);
    stopWatching();
    await log.close().catch(() => undefined);
  }
}

interface PreparedBuildSource {
  source: BuildSource;
  dispose(): Promise<void>;
}

const nothingToDispose = async (): Promise<void> => undefined;

async function sourceOf(deps: Deps, deployment: DeploymentRow): Promise<PreparedBuildSource> {
  if (deployment.sourceUploadId) {
    // A CLI deploy: the uploaded tarball, copied to a file the builder unpacks.
    const [upload] = await deps.db
      .select({ content: sourceUploads.content })
      .from(sourceUploads)
      .where(eq(sourceUploads.id, deployment.sourceUploadId));
    if (!upload) {
      throw new BuildError("source_unavailable", "The uploaded source of this deployment is gone.");
    }
    const dir = await mkdtemp(join(tmpdir(), "slipway-upload-"));
    const path = join(dir, "source.tar.gz");
    await writeFile(path, upload.content, { mode: 0o600 });
    return {
      source: { kind: "tarball", path },
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  }
  if (!deployment.gitCommitSha || !deployment.gitRepository) {
    throw new BuildError("invalid_request", "This deployment names no commit to build.");
  }
  if (!deps.githubSource || !deployment.githubInstallationId) {
    throw new BuildError(
      "source_unavailable",
      `Slipway cannot read ${deployment.gitRepository}: the GitHub App is not installed for it.`,
      { hint: "Install the GitHub App on the repository (github.installApp) and deploy again." },
    );
  }
  // The fork's own repository for a fork's pull request: that is where the commit lives.
  const repository = deployment.forkRepository ?? deployment.gitRepository;
  const archive = await deps.githubSource.sourceArchive({
    installationId: deployment.githubInstallationId,
    repository,
    commitSha: deployment.gitCommitSha,
  });
  return {
    source: { kind: "tarball", url: archive.url, authorization: archive.authorization },
    dispose: nothingToDispose,
  };
}

function describeSource(deployment: DeploymentRow): string {
  if (deployment.sourceUploadId) return `the uploaded source ${deployment.sourceUploadId}`;
  const repository = deployment.forkRepository ?? deployment.gitRepository ?? "";
  const branch = deployment.gitBranch ? ` (${deployment.gitBranch})` : "";
  return `${repository}@${deployment.gitCommitSha?.slice(0, 12) ?? "?"}${branch}`;
}

async function failBuild(deps: Deps, deployment: DeploymentRow, message: string): Promise<void> {
  const failed = await finishBuild(deps.db, {
    deploymentId: deployment.id,
    at: deps.clock(),
    failure: message,
  });
  if (failed) await enqueueFollowUps(deps.jobs, failed);
}
