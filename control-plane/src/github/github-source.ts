import { App } from "@octokit/app";
import { Octokit } from "@octokit/core";
import { fetchWithTimeout, GitHubApiError } from "./github-api.js";

/** Where the builder downloads a commit's source, with the header that authorizes it. */
export interface SourceArchive {
  url: string;
  /** `token <installation token>`: short-lived, read-only, this repository only. Never log it. */
  authorization: string;
}

/** Reading a repository's code as the App's installation: resolving refs and archive links. */
export interface GitHubSource {
  /** The full SHA of a branch, tag or (abbreviated) commit; undefined when GitHub knows none. */
  resolveCommit(input: {
    installationId: string;
    repository: string;
    ref: string;
  }): Promise<{ sha: string; message: string; author: string | undefined } | undefined>;
  /** One page of the repository's branches with their head commits, read with a scoped token. */
  listBranches(input: RepositoryPageInput): Promise<RepositoryPage<RepositoryBranch>>;
  /** One page of the commits reachable from `branch`, newest first, read with a scoped token. */
  listCommits(
    input: RepositoryPageInput & { branch: string },
  ): Promise<RepositoryPage<RepositoryCommit> | undefined>;
  /** The tarball of exactly `commitSha`, readable with a token scoped to this one repository. */
  sourceArchive(input: {
    installationId: string;
    repository: string;
    commitSha: string;
  }): Promise<SourceArchive>;
}

export interface RepositoryPageInput {
  installationId: string;
  repository: string;
  perPage: number;
  /** GitHub's 1-based page number. */
  page: number;
}

export interface RepositoryPage<T> {
  items: T[];
  hasMore: boolean;
}

export interface RepositoryBranch {
  name: string;
  commitSha: string;
  protected: boolean;
}

export interface RepositoryCommit {
  sha: string;
  message: string;
  authorHandle: string | undefined;
  timestamp: number | undefined;
}

/** GitHub's `Link` header names the next page when there is one. */
const hasNextPage = (link: string | undefined) => /rel="next"/.test(link ?? "");

export function createGitHubSource(config: {
  appId: string;
  privateKey: string;
  baseUrl: string;
}): GitHubSource {
  const app = new App({
    appId: config.appId,
    privateKey: config.privateKey,
    Octokit: Octokit.defaults({ baseUrl: config.baseUrl, request: { fetch: fetchWithTimeout } }),
  });
  const split = (repository: string) => {
    const [owner, repo] = repository.split("/");
    if (!owner || !repo) throw new GitHubApiError(`'${repository}' is not owner/name`);
    return { owner, repo };
  };

  /** A token of its own for one repository: contents read, one hour. Never log it. */
  const repositoryToken = async (installationId: string, repository: string) => {
    const { repo } = split(repository);
    try {
      const response = await app.octokit.request(
        "POST /app/installations/{installation_id}/access_tokens",
        {
          installation_id: Number(installationId),
          repositories: [repo],
          permissions: { contents: "read" },
        },
      );
      return response.data.token;
    } catch (error) {
      throw new GitHubApiError(`could not get a token to read ${repository}`, { cause: error });
    }
  };
  const ScopedOctokit = Octokit.defaults({
    baseUrl: config.baseUrl,
    request: { fetch: fetchWithTimeout },
  });
  const repositoryOctokit = async (installationId: string, repository: string) =>
    new ScopedOctokit({ auth: await repositoryToken(installationId, repository) });

  return {
    async resolveCommit({ installationId, repository, ref }) {
      const octokit = await app.getInstallationOctokit(Number(installationId));
      try {
        const response = await octokit.request("GET /repos/{owner}/{repo}/commits/{ref}", {
          ...split(repository),
          ref,
        });
        return {
          sha: response.data.sha,
          message: response.data.commit.message,
          author: response.data.author?.login ?? response.data.commit.author?.name ?? undefined,
        };
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (status === 404 || status === 422) return undefined;
        throw new GitHubApiError(`could not resolve '${ref}' in ${repository}`, { cause: error });
      }
    },
    async listBranches({ installationId, repository, perPage, page }) {
      const octokit = await repositoryOctokit(installationId, repository);
      try {
        const response = await octokit.request("GET /repos/{owner}/{repo}/branches", {
          ...split(repository),
          per_page: perPage,
          page,
        });
        return {
          items: response.data.map((branch) => ({
            name: branch.name,
            commitSha: branch.commit.sha,
            protected: branch.protected,
          })),
          hasMore: hasNextPage(response.headers.link),
        };
      } catch (error) {
        throw new GitHubApiError(`could not list the branches of ${repository}`, { cause: error });
      }
    },
    async listCommits({ installationId, repository, branch, perPage, page }) {
      const octokit = await repositoryOctokit(installationId, repository);
      try {
        const response = await octokit.request("GET /repos/{owner}/{repo}/commits", {
          ...split(repository),
          sha: branch,
          per_page: perPage,
          page,
        });
        return {
          items: response.data.map((commit) => ({
            sha: commit.sha,
            message: commit.commit.message,
            authorHandle: commit.author?.login ?? commit.commit.author?.name ?? undefined,
            timestamp: commit.commit.author?.date
              ? Date.parse(commit.commit.author.date)
              : undefined,
          })),
          hasMore: hasNextPage(response.headers.link),
        };
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (status === 404 || status === 422) return undefined;
        throw new GitHubApiError(`could not list the commits of ${repository}`, { cause: error });
      }
    },
    async sourceArchive({ installationId, repository, commitSha }) {
      const { owner, repo } = split(repository);
      const token = await repositoryToken(installationId, repository);
      const base = config.baseUrl.replace(/\/+$/, "");
      return {
        url: `${base}/repos/${owner}/${repo}/tarball/${encodeURIComponent(commitSha)}`,
        authorization: `token ${token}`,
      };
    },
  };
}

/** The source reader when the GitHub App is configured, else undefined. */
export function githubSourceFromConfig(config: {
  GITHUB_APP_ID?: string | undefined;
  GITHUB_PRIVATE_KEY?: string | undefined;
  GITHUB_API_URL: string;
}): GitHubSource | undefined {
  if (!config.GITHUB_APP_ID || !config.GITHUB_PRIVATE_KEY) return undefined;
  return createGitHubSource({
    appId: config.GITHUB_APP_ID,
    privateKey: config.GITHUB_PRIVATE_KEY,
    baseUrl: config.GITHUB_API_URL,
  });
}
