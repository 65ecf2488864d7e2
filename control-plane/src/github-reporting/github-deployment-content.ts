import type { DeploymentStatus } from "@slipway/shared";
import type {
  GitHubDeploymentRequest,
  GitHubDeploymentState,
  GitHubDeploymentStatus,
} from "../github/github-api.js";

/** What the GitHub deployment of one Slipway deployment is built from. */
export interface GitHubDeploymentFacts {
  id: string;
  status: DeploymentStatus;
  appSlug: string;
  environmentSlug: string;
  environmentKind: "production" | "preview";
  gitCommitSha: string;
  /** Where the deployment answers, once it is ready (see `deploymentUrl`). */
  url: string | undefined;
  logUrl: string | undefined;
}

/** The GitHub environment of an app's environment, named as the check run names it. */
export const githubEnvironmentName = (appSlug: string, environmentSlug: string) =>
  `${appSlug} (${environmentSlug})`;

/**
 * Pure: what to do about a deployment that has no GitHub deployment stored yet. One that ended
 * before it ever ran has nothing to show on the repository's environments (its check run says
 * why): a skipped one was never reported otherwise, so there is nothing to look for; a cancelled
 * or superseded one may have been opened while it was queued, so it is looked for (to be marked
 * inactive) but not opened.
 */
export function githubDeploymentPlan(status: DeploymentStatus): "open" | "find-only" | "none" {
  if (status === "skipped") return "none";
  if (status === "cancelled" || status === "superseded") return "find-only";
  return "open";
}

/** Pure: the GitHub deployment that mirrors a Slipway deployment. */
export function githubDeploymentRequest(facts: GitHubDeploymentFacts): GitHubDeploymentRequest {
  const preview = facts.environmentKind === "preview";
  return {
    sha: facts.gitCommitSha,
    environment: githubEnvironmentName(facts.appSlug, facts.environmentSlug),
    description: `Slipway deployment ${facts.id}`,
    // A preview goes away with its branch; production is what GitHub lists as the live one.
    transientEnvironment: preview,
    productionEnvironment: !preview,
    slipwayDeploymentId: facts.id,
  };
}

const stateOf: Record<DeploymentStatus, GitHubDeploymentState> = {
  pending: "queued",
  awaiting_approval: "pending",
  starting: "in_progress",
  building: "in_progress",
  deploying: "in_progress",
  network: "in_progress",
  finalizing: "in_progress",
  ready: "success",
  // Scaled to zero for want of requests, still reachable: the next request starts it.
  idle: "success",
  failed: "failure",
  // GitHub's "error" means the deployment broke; these were replaced or withdrawn on purpose,
  // which GitHub calls inactive.
  cancelled: "inactive",
  superseded: "inactive",
  skipped: "inactive",
  stopped: "inactive",
};

const descriptionOf: Record<DeploymentStatus, string> = {
  pending: "Queued",
  awaiting_approval: "Waiting for a member with write access to approve this fork's change",
  starting: "Building",
  building: "Building",
  deploying: "Deploying",
  network: "Deploying",
  finalizing: "Deploying",
  ready: "Ready",
  idle: "Idle: the next request starts it",
  failed: "Failed",
  cancelled: "Cancelled",
  superseded: "Superseded by a newer push",
  skipped: "Skipped",
  stopped: "Stopped",
};

/**
 * Pure: the status the GitHub deployment should show now. Links appear only once the
 * deployment is ready; the description never carries an error message (it could echo a build's
 * output), only what happened.
 */
export function githubDeploymentStatus(facts: GitHubDeploymentFacts): GitHubDeploymentStatus {
  const state = stateOf[facts.status];
  return {
    state,
    description: descriptionOf[facts.status],
    environmentUrl: state === "success" ? facts.url : undefined,
    logUrl: facts.logUrl,
  };
}

/**
 * Pure: whether `desired` differs from what GitHub shows, so an unchanged status is not posted
 * again. What a person sees change is the state and where the deployment answers; the log link
 * names the deployment and so never changes while the configuration stays.
 */
export function deploymentStatusChanged(
  shown: GitHubDeploymentStatus | undefined,
  desired: GitHubDeploymentStatus,
): boolean {
  if (!shown) return true;
  return (
    shown.state !== desired.state || (shown.environmentUrl ?? "") !== (desired.environmentUrl ?? "")
  );
}
