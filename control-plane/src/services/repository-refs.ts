import { AppError, notFound } from "@slipway/shared";
import type { Page } from "../api-schemas/common.js";
import type { RepositoryPage } from "../github/github-source.js";
import type { ServiceContext } from "./context.js";
import { workspaceInstallationIds } from "./github-installations.js";
import { resolveApp } from "./resolve.js";

type AppRefs = { project: string; app: string; limit: number; cursor?: string | undefined };

/**
 * What the App may read for this app: its connected repository and the workspace's own
 * installations. The repository comes from the app row, never from the request, so a caller
 * can only list what its workspace connected.
 */
async function readableRepository(ctx: ServiceContext, refs: AppRefs) {
  const { app } = await resolveApp(ctx, refs);
  if (!app.gitRepository) {
    throw new AppError(
      "precondition_failed",
      "This app has no GitHub repository connected: connect one (apps.updateApp git.repository) first.",
    );
  }
  if (!ctx.githubSource) {
    throw new AppError(
      "precondition_failed",
      "The GitHub App is not configured on this Slipway (GITHUB_APP_ID, GITHUB_PRIVATE_KEY).",
    );
  }
  return {
    source: ctx.githubSource,
    repository: app.gitRepository,
    installationIds: await workspaceInstallationIds(ctx),
  };
}

/**
 * Asks each of the workspace's installations in turn (a workspace may have several
 * organisations); the first that can read the repository answers.
 */
async function firstReadable<T>(
  installationIds: string[],
  repository: string,
  read: (installationId: string) => Promise<T>,
): Promise<T> {
  let lastError: unknown;
  for (const installationId of installationIds) {
    try {
      return await read(installationId);
    } catch (error) {
      lastError = error;
    }
  }
  // GitHub answering (a refused token, a missing repository) is something a person can fix;
  // GitHub not answering is ours to report as unavailable.
  const refused = (lastError as { cause?: { status?: number } } | undefined)?.cause?.status;
  throw new AppError(
    refused !== undefined && refused < 500 ? "precondition_failed" : "service_unavailable",
    `GitHub did not let the App read ${repository}: check that the App is installed on it.`,
    { cause: lastError },
  );
}

const pageNumber = (cursor: string | undefined) => (cursor ? Number(cursor) : 1);

function toPage<T, U>(page: RepositoryPage<T>, current: number, view: (item: T) => U): Page<U> {
  return page.hasMore
    ? { items: page.items.map(view), hasMore: true, cursor: String(current + 1) }
    : { items: page.items.map(view), hasMore: false };
}

/** Slipway: `apps.listRepositoryBranches`. */
export async function listRepositoryBranches(ctx: ServiceContext, input: AppRefs) {
  const { source, repository, installationIds } = await readableRepository(ctx, input);
  const page = pageNumber(input.cursor);
  const branches = await firstReadable(installationIds, repository, (installationId) =>
    source.listBranches({ installationId, repository, perPage: input.limit, page }),
  );
  return toPage(branches, page, (branch) => branch);
}

/** Slipway: `apps.listRepositoryCommits`; an unknown branch is a 404 that names it. */
export async function listRepositoryCommits(
  ctx: ServiceContext,
  input: AppRefs & { branch: string },
) {
  const { source, repository, installationIds } = await readableRepository(ctx, input);
  const page = pageNumber(input.cursor);
  const commits = await firstReadable(installationIds, repository, (installationId) =>
    source.listCommits({
      installationId,
      repository,
      branch: input.branch,
      perPage: input.limit,
      page,
    }),
  );
  if (!commits) throw notFound(`Branch '${input.branch}' of ${repository}`);
  return toPage(commits, page, (commit) => ({
    commitSha: commit.sha,
    commitMessage: commit.message.split("\n")[0] ?? "",
    ...(commit.authorHandle ? { authorHandle: commit.authorHandle } : {}),
    ...(commit.timestamp !== undefined ? { timestamp: commit.timestamp } : {}),
  }));
}
