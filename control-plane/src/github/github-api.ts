import { App } from "@octokit/app";
import { Octokit } from "@octokit/core";
import { GitHubApiError, splitRepository } from "./github-api-error.js";
import type { GitHubDeploymentRequest, GitHubDeploymentStatus } from "./github-report-calls.js";
import { githubReportCalls } from "./github-report-calls.js";

export { GitHubApiError, isMissingPermission } from "./github-api-error.js";
export type {
  GitHubDeploymentRequest,
  GitHubDeploymentState,
  GitHubDeploymentStatus,
} from "./github-report-calls.js";

export type RepositoryPermission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

/** A check run as Slipway shows a deployment on a commit. */
export interface CheckRunContent {
  name: string;
  externalId: string;
  status: "queued" | "in_progress" | "completed";
  conclusion?: "success" | "failure" | "cancelled" | "skipped" | "action_required" | "neutral";
  title: string;
  summary: string;
  /** The page GitHub's "Details" link opens: the deployment's log. */
  detailsUrl?: string | undefined;
  /** Buttons GitHub shows on the check run; pressing one sends `check_run.requested_action`. */
  actions?: Array<{ label: string; description: string; identifier: string }>;
}

/** The GitHub REST calls the pipeline makes, as the App's installation. */
export interface GitHubApi {
  /** The installation as the App sees it (its JWT, not an installation token); undefined if gone. */
  getInstallation(
    installationId: string,
  ): Promise<{ id: string; accountLogin: string } | undefined>;
  createCheckRun(input: {
    installationId: string;
    repository: string;
    headSha: string;
    content: CheckRunContent;
  }): Promise<string>;
  updateCheckRun(input: {
    installationId: string;
    repository: string;
    checkRunId: string;
    content: CheckRunContent;
  }): Promise<void>;
  /**
   * The check run of a commit with this name and `external_id`, if one was created: a report
   * retried after a crash between "created on GitHub" and "id stored" finds it again.
   */
  findCheckRun(input: {
    installationId: string;
    repository: string;
    headSha: string;
    name: string;
    externalId: string;
  }): Promise<string | undefined>;
  /** The GitHub deployment of a commit that mirrors a Slipway deployment, if one was opened. */
  findDeployment(input: {
    installationId: string;
    repository: string;
    sha: string;
    slipwayDeploymentId: string;
  }): Promise<string | undefined>;
  createDeployment(input: {
    installationId: string;
    repository: string;
    deployment: GitHubDeploymentRequest;
  }): Promise<string>;
  /** The newest status of a GitHub deployment; undefined while it has none. */
  latestDeploymentStatus(input: {
    installationId: string;
    repository: string;
    deploymentId: string;
  }): Promise<GitHubDeploymentStatus | undefined>;
  createDeploymentStatus(input: {
    installationId: string;
    repository: string;
    deploymentId: string;
    status: GitHubDeploymentStatus;
  }): Promise<void>;
  /** Open pull requests of a repository whose head is `branch` of that same repository. */
  openPullRequestsOf(input: {
    installationId: string;
    repository: string;
    branch: string;
  }): Promise<number[]>;
  /** The App's own comment on an issue or pull request that contains `marker`, if any. */
  findIssueComment(input: {
    installationId: string;
    repository: string;
    issueNumber: number;
    marker: string;
  }): Promise<string | undefined>;
  createIssueComment(input: {
    installationId: string;
    repository: string;
    issueNumber: number;
    body: string;
  }): Promise<string>;
  /** Replaces a comment's body; "missing" when someone deleted the comment. */
  updateIssueComment(input: {
    installationId: string;
    repository: string;
    commentId: string;
    body: string;
  }): Promise<"updated" | "missing">;
  /** Files changed between two commits (the compare API), for pushes whose payload lists too few. */
  changedFiles(input: {
    installationId: string;
    repository: string;
    base: string;
    head: string;
  }): Promise<string[]>;
  /** A user's permission on a repository, e.g. to decide who may approve a fork's deployment. */
  permissionOf(input: {
    installationId: string;
    repository: string;
    login: string;
  }): Promise<RepositoryPermission>;
}

/**
 * GitHub calls give up after this long: a report holds its deployment's lock (and a database
 * connection) while it talks to GitHub, so a connection that hangs must not hold them for ever.
 */
const requestTimeoutMs = 30_000;

const fetchWithTimeout: typeof fetch = (input, init) =>
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
