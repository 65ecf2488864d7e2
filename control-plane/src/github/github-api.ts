import { App } from "@octokit/app";
import { Octokit } from "@octokit/core";
import { GitHubApiError, splitRepository } from "./github-api-error.js";
import type { CheckRunContent, GitHubApi, RepositoryPermission } from "./github-api-types.js";
import { githubReportCalls } from "./github-report-calls.js";

export { GitHubApiError, isMissingPermission } from "./github-api-error.js";
export type {
  CheckRunContent,
  GitHubApi,
  GitHubDeploymentRequest,
  GitHubDeploymentState,
  GitHubDeploymentStatus,
  RepositoryPermission,
} from "./github-api-types.js";

const requestTimeoutMs = 30_000;

/** Every call to GitHub gives up after 30 s, so a hung connection never holds a request or job. */
export const fetchWithTimeout: typeof fetch = (input, init) =>
  fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(requestTimeoutMs) });

/**
 * GitHub through @octokit/app: installation tokens are minted and cached by the library and
 * never leave this object (they are not logged and not returned).
 */
export function createGitHubApi(config: {
  appId: string;
  privateKey: string;
  baseUrl: string;
}): GitHubApi {
  const app = new App({
    appId: config.appId,
    privateKey: config.privateKey,
    Octokit: Octokit.defaults({ baseUrl: config.baseUrl, request: { fetch: fetchWithTimeout } }),
  });
  const installation = (id: string) => app.getInstallationOctokit(Number(id));

  const checkRunBody = (content: CheckRunContent) => ({
    name: content.name,
    external_id: content.externalId,
    status: content.status,
    ...(content.conclusion
      ? { conclusion: content.conclusion, completed_at: new Date().toISOString() }
      : {}),
    ...(content.detailsUrl ? { details_url: content.detailsUrl } : {}),
    output: { title: content.title, summary: content.summary },
    actions: content.actions ?? [],
  });

  return {
    async getInstallation(installationId) {
      try {
        const response = await app.octokit.request("GET /app/installations/{installation_id}", {
          installation_id: Number(installationId),
        });
        const account = response.data.account as { login?: string; slug?: string } | null;
        return {
          id: String(response.data.id),
          accountLogin: account?.login ?? account?.slug ?? "unknown",
        };
      } catch (error) {
        if ((error as { status?: number }).status === 404) return undefined;
        throw new GitHubApiError(`could not read installation ${installationId}`, { cause: error });
      }
    },
    async createCheckRun({ installationId, repository, headSha, content }) {
      const octokit = await installation(installationId);
      const response = await octokit.request("POST /repos/{owner}/{repo}/check-runs", {
        ...splitRepository(repository),
        head_sha: headSha,
        ...checkRunBody(content),
      });
      return String(response.data.id);
    },
    async updateCheckRun({ installationId, repository, checkRunId, content }) {
      const octokit = await installation(installationId);
      await octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
        ...splitRepository(repository),
        check_run_id: Number(checkRunId),
        ...checkRunBody(content),
      });
    },
    async findCheckRun({ installationId, repository, headSha, name, externalId }) {
      const octokit = await installation(installationId);
      // Every run of that name on the commit (not only the latest), newest first, 100 a page.
      for (let page = 1; page <= 10; page++) {
        const response = await octokit.request(
          "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
          {
            ...splitRepository(repository),
            ref: headSha,
            check_name: name,
            filter: "all",
            per_page: 100,
            page,
          },
        );
        const found = response.data.check_runs.find((run) => run.external_id === externalId);
        if (found) return String(found.id);
        if (response.data.check_runs.length < 100) return undefined;
      }
      return undefined;
    },
    ...githubReportCalls(installation),
    async changedFiles({ installationId, repository, base, head }) {
      const octokit = await installation(installationId);
      const { owner, repo } = splitRepository(repository);
      const files = new Set<string>();
      // The compare API pages its file list (300 files a page, 3000 at most).
      for (let page = 1; page <= 10; page++) {
        const response = await octokit.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
          owner,
          repo,
          basehead: `${base}...${head}`,
          per_page: 300,
          page,
        });
        const pageFiles = response.data.files ?? [];
        for (const file of pageFiles) {
          files.add(file.filename);
          if (file.previous_filename) files.add(file.previous_filename);
        }
        if (pageFiles.length < 300) break;
      }
      return [...files].sort();
    },
    async permissionOf({ installationId, repository, login }) {
      const octokit = await installation(installationId);
      const { owner, repo } = splitRepository(repository);
      try {
        const response = await octokit.request(
          "GET /repos/{owner}/{repo}/collaborators/{username}/permission",
          {
            owner,
            repo,
            username: login,
          },
        );
        const role = response.data.role_name as RepositoryPermission | undefined;
        return role ?? (response.data.permission as RepositoryPermission);
      } catch (error) {
        if ((error as { status?: number }).status === 404) return "none";
        throw new GitHubApiError(`could not read ${login}'s permission on ${repository}`, {
          cause: error,
        });
      }
    },
  };
}

export const canWrite = (permission: RepositoryPermission) =>
  permission === "admin" || permission === "maintain" || permission === "write";

/** The GitHub API when the App is configured (ID and private key), else undefined. */
export function githubApiFromConfig(config: {
  GITHUB_APP_ID?: string | undefined;
  GITHUB_PRIVATE_KEY?: string | undefined;
  GITHUB_API_URL: string;
}): GitHubApi | undefined {
  if (!config.GITHUB_APP_ID || !config.GITHUB_PRIVATE_KEY) return undefined;
  return createGitHubApi({
    appId: config.GITHUB_APP_ID,
    privateKey: config.GITHUB_PRIVATE_KEY,
    baseUrl: config.GITHUB_API_URL,
  });
}
