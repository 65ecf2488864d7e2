import type { App } from "@octokit/app";
import { GitHubApiError, splitRepository } from "./github-api-error.js";
import type { GitHubApi } from "./github-api-types.js";

/** A GitHub deployment (Deployments API) as Slipway opens one to mirror a deployment of its own. */
const slipwayDeploymentIdKey = "slipway_deployment_id";

type InstallationOctokit = Awaited<ReturnType<App["getInstallationOctokit"]>>;

/**
 * The calls that report deployments on GitHub besides check runs: GitHub deployments and their
 * statuses, open pull requests of a branch, and the App's comment on a pull request.
 */
export function githubReportCalls(
  installation: (installationId: string) => Promise<InstallationOctokit>,
): Pick<
  GitHubApi,
  | "findDeployment"
  | "createDeployment"
  | "latestDeploymentStatus"
  | "createDeploymentStatus"
  | "openPullRequestsOf"
  | "findIssueComment"
  | "createIssueComment"
  | "updateIssueComment"
> {
  return {
    async findDeployment({ installationId, repository, sha, slipwayDeploymentId }) {
      const octokit = await installation(installationId);
      // A commit has a handful of deployments (one per app and environment); 10 pages is plenty.
      for (let page = 1; page <= 10; page++) {
        const response = await octokit.request("GET /repos/{owner}/{repo}/deployments", {
          ...splitRepository(repository),
          sha,
          per_page: 100,
          page,
        });
        const found = response.data.find(
          (deployment) =>
            typeof deployment.payload === "object" &&
            deployment.payload?.[slipwayDeploymentIdKey] === slipwayDeploymentId,
        );
        if (found) return String(found.id);
        if (response.data.length < 100) return undefined;
      }
      return undefined;
    },
    async createDeployment({ installationId, repository, deployment }) {
      const octokit = await installation(installationId);
      const response = await octokit.request("POST /repos/{owner}/{repo}/deployments", {
        ...splitRepository(repository),
        ref: deployment.sha,
        task: "deploy",
        environment: deployment.environment,
        description: deployment.description,
        transient_environment: deployment.transientEnvironment,
        production_environment: deployment.productionEnvironment,
        // Slipway deploys the commit it was given: no merging of the default branch, and no
        // waiting for commit statuses (its own check run would block it).
        auto_merge: false,
        required_contexts: [],
        payload: { [slipwayDeploymentIdKey]: deployment.slipwayDeploymentId },
      });
      if (!("id" in response.data)) {
        throw new GitHubApiError(`GitHub did not create a deployment: ${response.data.message}`);
      }
      return String(response.data.id);
    },
    async latestDeploymentStatus({ installationId, repository, deploymentId }) {
      const octokit = await installation(installationId);
      const response = await octokit.request(
        "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
        { ...splitRepository(repository), deployment_id: Number(deploymentId), per_page: 1 },
      );
      const [latest] = response.data;
      if (!latest) return undefined;
      return {
        state: latest.state,
        description: latest.description,
        // GitHub answers "" for a URL that was never set.
        environmentUrl: latest.environment_url || undefined,
        logUrl: latest.log_url || undefined,
      };
    },
    async createDeploymentStatus({ installationId, repository, deploymentId, status }) {
      const octokit = await installation(installationId);
      await octokit.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
        ...splitRepository(repository),
        deployment_id: Number(deploymentId),
        state: status.state,
        description: status.description,
        ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
        ...(status.logUrl ? { log_url: status.logUrl } : {}),
      });
    },
    async openPullRequestsOf({ installationId, repository, branch }) {
      const octokit = await installation(installationId);
      const { owner, repo } = splitRepository(repository);
      const response = await octokit.request("GET /repos/{owner}/{repo}/pulls", {
        owner,
        repo,
        head: `${owner}:${branch}`,
        state: "open",
        per_page: 100,
      });
      return response.data.map((pullRequest) => pullRequest.number);
    },
    async findIssueComment({ installationId, repository, issueNumber, marker }) {
      const octokit = await installation(installationId);
      for (let page = 1; page <= 30; page++) {
        const response = await octokit.request(
          "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
          { ...splitRepository(repository), issue_number: issueNumber, per_page: 100, page },
        );
        // Only a bot's comment counts: a person quoting the marker must not have theirs taken over.
        const found = response.data.find(
          (comment) => comment.user?.type === "Bot" && comment.body?.includes(marker),
        );
        if (found) return String(found.id);
        if (response.data.length < 100) return undefined;
      }
      return undefined;
    },
    async createIssueComment({ installationId, repository, issueNumber, body }) {
      const octokit = await installation(installationId);
      const response = await octokit.request(
        "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
        { ...splitRepository(repository), issue_number: issueNumber, body },
      );
      return String(response.data.id);
    },
    async updateIssueComment({ installationId, repository, commentId, body }) {
      const octokit = await installation(installationId);
      try {
        await octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
          ...splitRepository(repository),
          comment_id: Number(commentId),
          body,
        });
        return "updated";
      } catch (error) {
        if ((error as { status?: number }).status === 404) return "missing";
        throw new GitHubApiError(`could not update comment ${commentId} on ${repository}`, {
          cause: error,
        });
      }
    },
  };
}
