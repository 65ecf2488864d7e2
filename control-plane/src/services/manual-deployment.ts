import { AppError, newId, notFound } from "@slipway/shared";
import { and, eq } from "drizzle-orm";
import { type AppRow, type DeploymentRow, deployments } from "../db/schema/index.js";
import { createDeployment } from "../deployments/create-deployment.js";
import { enqueueFollowUps } from "../deployments/enqueue-follow-ups.js";
import type { ServiceContext } from "./context.js";
import { workspaceInstallationIds } from "./github-installations.js";
import { resolveEnvironment } from "./resolve.js";

export interface CreateDeploymentInput {
  project: string;
  app: string;
  environment: string;
  git?:
    | {
        branch?: string | undefined;
        commitSha?: string | undefined;
        repository?: string | undefined;
      }
    | undefined;
  image?: { dockerImage: string } | undefined;
  deployment?: { deploymentId: string } | undefined;
}

/** What a manual deployment runs: a commit to build, or an image to roll out as it is. */
export type ManualSource =
  | {
      kind: "git";
      /** The app's repository, recorded on the deployment. */
      appRepository: string;
      /** Where the commit is read: the app's repository or a fork of it. */
      repository: string;
      /** Branch, tag or (abbreviated) SHA to resolve on GitHub. */
      ref: string;
      branch: string | undefined;
      fork: string | undefined;
    }
  | { kind: "image"; image: string }
  | { kind: "git-commit"; from: DeploymentRow };

/** `registry[:port]/path[:tag][@sha256:…]`, the shapes `docker pull` accepts. */
const imageReference =
  /^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;

/**
 * Pure: the source a `createDeployment` body names, checked against the app. Exactly one of
 * `git`, `image`, `deployment`; errors say what to send instead.
 */
export function decideManualSource(
  input: CreateDeploymentInput,
  app: Pick<AppRow, "id" | "gitRepository" | "gitDefaultBranch">,
  from: DeploymentRow | undefined,
): ManualSource {
  const given = [input.git, input.image, input.deployment].filter((s) => s !== undefined).length;
  if (given !== 1) {
    throw new AppError("bad_request", "Provide exactly one source: git, image or deployment.");
  }
  if (input.image) {
    if (!imageReference.test(input.image.dockerImage)) {
      throw new AppError(
        "bad_request",
        `image.dockerImage '${input.image.dockerImage}' is not an image reference such as ghcr.io/acme/api:1.4.2 or registry/app@sha256:….`,
      );
    }
    return { kind: "image", image: input.image.dockerImage };
  }
  if (input.git) {
    if (!app.gitRepository) {
      throw new AppError(
        "precondition_failed",
        "This app has no GitHub repository connected: connect one (apps.updateApp git.repository) or deploy an image.",
      );
    }
    const { branch, commitSha, repository } = input.git;
    if (commitSha !== undefined && !/^[0-9a-f]{7,40}$/i.test(commitSha)) {
      throw new AppError(
        "bad_request",
        `git.commitSha '${commitSha}' is not a commit SHA (7 to 40 hex characters).`,
      );
    }
    if (repository !== undefined) {
      if (!commitSha) {
        throw new AppError("bad_request", "git.repository (a fork) requires git.commitSha.");
      }
      if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) {
        throw new AppError("bad_request", `git.repository '${repository}' is not owner/repo.`);
      }
    }
    const ref = commitSha ?? branch ?? app.gitDefaultBranch;
    if (!ref) {
      throw new AppError(
        "bad_request",
        "The app has no default branch: pass git.branch or git.commitSha.",
      );
    }
    return {
      kind: "git",
      appRepository: app.gitRepository,
      repository: repository ?? app.gitRepository,
      ref,
      branch: branch ?? (commitSha ? undefined : (app.gitDefaultBranch ?? undefined)),
      fork:
        repository !== undefined && repository.toLowerCase() !== app.gitRepository.toLowerCase()
          ? repository
          : undefined,
    };
  }
  if (!from) throw notFound(`Deployment '${input.deployment!.deploymentId}'`);
  if (from.appId !== app.id) {
    throw new AppError(
      "bad_request",
      `Deployment '${from.id}' belongs to another app; re-run one of this app's deployments.`,
    );
  }
  // Git-connected apps rebuild the recorded commit; others reuse the recorded image.
  if (app.gitRepository && from.gitCommitSha) return { kind: "git-commit", from };
  if (from.image) return { kind: "image", image: from.image };
  throw new AppError(
    "precondition_failed",
    `Deployment '${from.id}' has neither a commit nor an image to deploy again.`,
  );
}

/**
 * `deployments.createDeployment`: records a queued deployment and enqueues its first job
 * (a build, or the rollout of an image). Answers at once; the deployment runs in the background.
 */
export async function createManualDeployment(
  ctx: ServiceContext,
  input: CreateDeploymentInput,
): Promise<{ deploymentId: string }> {
  const { project, app, environment } = await resolveEnvironment(ctx, input);
  let from: DeploymentRow | undefined;
  if (input.deployment) {
    [from] = await ctx.db
      .select()
      .from(deployments)
      .where(
        and(
          eq(deployments.workspaceId, ctx.workspaceId),
          eq(deployments.id, input.deployment.deploymentId),
        ),
      );
  }
  const source = decideManualSource(input, app, from);
  const at = ctx.clock();

  let git:
    | Pick<
        DeploymentRow,
        | "gitCommitSha"
        | "gitBranch"
        | "gitRepository"
        | "gitCommitMessage"
        | "gitAuthor"
        | "forkRepository"
        | "githubInstallationId"
      >
    | undefined;
  if (source.kind === "git") {
    git = await resolveGitSource(ctx, source);
  } else if (source.kind === "git-commit") {
    const f = source.from;
    git = {
      gitCommitSha: f.gitCommitSha,
      gitBranch: f.gitBranch,
      gitRepository: f.gitRepository,
      gitCommitMessage: f.gitCommitMessage,
      gitAuthor: f.gitAuthor,
      forkRepository: f.forkRepository,
      githubInstallationId: f.githubInstallationId,
    };
  }
  const id = newId("deployment", at.getTime());
  const followUps = await createDeployment(ctx.db, {
    values: {
      id,
      workspaceId: ctx.workspaceId,
      projectId: project.id,
      appId: app.id,
      environmentId: environment.id,
      // An image needs no build: it goes straight to the deploy step.
      status: source.kind === "image" ? "deploying" : "pending",
      trigger: "manual",
      image: source.kind === "image" ? source.image : null,
      sourceDeploymentId: from?.id ?? null,
      ...git,
      runtime: environment.runtime,
      regions: environment.regions.map((region) => region.name),
    },
    at,
    by: { actor: ctx.actor, requestId: ctx.requestId },
    auditContext: {
      source: source.kind === "git-commit" ? "deployment" : source.kind,
      environmentId: environment.id,
      ...(from ? { sourceDeploymentId: from.id } : {}),
      ...(git?.gitCommitSha ? { commitSha: git.gitCommitSha } : {}),
    },
  });
  await enqueueFollowUps(ctx.jobs, followUps);
  return { deploymentId: id };
}

async function resolveGitSource(
  ctx: ServiceContext,
  source: Extract<ManualSource, { kind: "git" }>,
) {
  if (!ctx.githubSource) {
    throw new AppError(
      "precondition_failed",
      "The GitHub App is not configured on this Slipway (GITHUB_APP_ID, GITHUB_PRIVATE_KEY).",
    );
  }
  const installationIds = await workspaceInstallationIds(ctx);
  // The workspace may have several installations (organisations); the one that can read the
  // repository resolves the ref.
  for (const installationId of installationIds) {
    const commit = await ctx.githubSource
      .resolveCommit({
        installationId,
        repository: source.repository,
        ref: source.ref,
      })
      .catch(() => undefined);
    if (commit) {
      return {
        gitCommitSha: commit.sha,
        gitBranch: source.branch ?? null,
        gitRepository: source.appRepository,
        gitCommitMessage: commit.message.split("\n")[0] ?? null,
        gitAuthor: commit.author ?? null,
        forkRepository: source.fork ?? null,
        githubInstallationId: installationId,
      };
    }
  }
  throw new AppError(
    "bad_request",
    `'${source.ref}' is not a branch or commit of ${source.repository} that the GitHub App can read.`,
  );
}
