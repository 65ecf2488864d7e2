/** What Slipway asks of GitHub, as one interface: `createGitHubApi` implements it. */

export interface GitHubDeploymentRequest {
  /** The commit deployed; GitHub takes a SHA as the ref. */
  sha: string;
  environment: string;
  description: string;
  transientEnvironment: boolean;
  productionEnvironment: boolean;
  /** The Slipway deployment it mirrors, kept in its payload so a retried job finds it again. */
  slipwayDeploymentId: string;
}

export type GitHubDeploymentState =
  | "queued"
  | "pending"
  | "in_progress"
  | "success"
  | "failure"
  | "error"
  | "inactive";

/** One status of a GitHub deployment; GitHub shows the newest on the pull request. */
export interface GitHubDeploymentStatus {
  state: GitHubDeploymentState;
  description: string;
  environmentUrl?: string | undefined;
  logUrl?: string | undefined;
}

/** The key of a GitHub deployment's payload that names the Slipway deployment it mirrors. */
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
