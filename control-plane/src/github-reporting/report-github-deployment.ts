import type { Database } from "../db/client.js";
import { recordGitHubDeploymentId } from "../deployments/github-references.js";
import type { GitHubApi } from "../github/github-api.js";
import {
  deploymentStatusChanged,
  type GitHubDeploymentFacts,
  githubDeploymentPlan,
  githubDeploymentRequest,
  githubDeploymentStatus,
} from "./github-deployment-content.js";

/**
 * Makes the GitHub deployment (Deployments API) of a Slipway deployment show its status now.
 * The caller holds the deployment's report lock, so two jobs never run this at once.
 *
 * Idempotent across crashes: before opening a GitHub deployment it looks for one whose payload
 * names this Slipway deployment, so a job retried after "created on GitHub" but before "id
 * stored" finds the first one instead of opening a second. A status is posted only when it
 * differs from the newest one GitHub shows.
 */
export async function reportGitHubDeployment(input: {
  db: Database;
  github: GitHubApi;
  target: { installationId: string; repository: string };
  facts: GitHubDeploymentFacts;
  storedGitHubDeploymentId: string | null;
}): Promise<void> {
  const { github, target, facts } = input;
  let githubDeploymentId = input.storedGitHubDeploymentId;
  let justOpened = false;
  if (!githubDeploymentId) {
    const plan = githubDeploymentPlan(facts.status);
    if (plan === "none") return;
    githubDeploymentId =
      (await github.findDeployment({
        ...target,
        sha: facts.gitCommitSha,
        slipwayDeploymentId: facts.id,
      })) ?? null;
    if (!githubDeploymentId) {
      if (plan === "find-only") return;
      githubDeploymentId = await github.createDeployment({
        ...target,
        deployment: githubDeploymentRequest(facts),
      });
      justOpened = true;
    }
    await recordGitHubDeploymentId(input.db, facts.id, githubDeploymentId);
  }
  const desired = githubDeploymentStatus(facts);
  const shown = justOpened
    ? undefined
    : await github.latestDeploymentStatus({ ...target, deploymentId: githubDeploymentId });
  if (!deploymentStatusChanged(shown, desired)) return;
  await github.createDeploymentStatus({
    ...target,
    deploymentId: githubDeploymentId,
    status: desired,
  });
}
