import type { DeploymentStatus } from "@slipway/shared";

/**
 * The hidden line that identifies Slipway's comment on a pull request, one per workspace, so
 * the comment is found again and edited instead of a new one being added on every push.
 */
export const pullRequestCommentMarker = (workspaceId: string) =>
  `<!-- slipway:pull-request-comment workspace=${workspaceId} -->`;

/**
 * Pure: which pull requests' comments show a deployment. A fork's pull request deploys from its
 * own events and names its number; a branch of the repository itself deploys from its pushes,
 * so its previews belong to whichever open pull requests have that branch as their head.
 */
export function commentedPullRequestsOf(deployment: {
  pullRequestNumber: number | null;
  gitBranch: string | null;
  environmentKind: "production" | "preview";
}):
  | { kind: "pull-request"; number: number }
  | { kind: "branch"; branch: string }
  | { kind: "none" } {
  if (deployment.pullRequestNumber !== null) {
    return { kind: "pull-request", number: deployment.pullRequestNumber };
  }
  if (deployment.environmentKind === "preview" && deployment.gitBranch) {
    return { kind: "branch", branch: deployment.gitBranch };
  }
  return { kind: "none" };
}

/** One app/environment's newest deployment of the pull request, as the comment shows it. */
export interface PullRequestCommentRow {
  projectName: string;
  appName: string;
  environmentSlug: string;
  deploymentId: string;
  status: DeploymentStatus;
  /** Where the preview answers, once it is ready. */
  url: string | undefined;
  logUrl: string | undefined;
  updatedAt: Date;
}

const statusText: Record<DeploymentStatus, string> = {
  pending: "⏳ Queued",
  awaiting_approval: "✋ Waiting for approval",
  starting: "🔨 Building",
  building: "🔨 Building",
  deploying: "🚀 Deploying",
  network: "🚀 Deploying",
  finalizing: "🚀 Deploying",
  ready: "✅ Ready",
  idle: "💤 Idle",
  failed: "❌ Failed",
  skipped: "⏭️ Skipped",
  cancelled: "🚫 Cancelled",
  superseded: "⏭️ Superseded",
  stopped: "⏹️ Stopped",
};

/** Names come from people: nothing in them may break the table or turn into a link or markup. */
function escapeCell(text: string): string {
  return text.replace(/\s+/g, " ").replace(/[\\|`*_[\]<>#!~]/g, (character) => `\\${character}`);
}

/** `2026-11-27 10:15 UTC`: the same for every reader, whatever their time zone. */
function formatUpdated(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * Pure: the whole comment. One row per app and environment, ordered by name, so the table
 * stays put as pushes change the statuses. Only names, statuses, links and times: no commit
 * message, no error message (a build's output could echo a secret), no variable.
 */
export function pullRequestCommentBody(workspaceId: string, rows: PullRequestCommentRow[]): string {
  const manyProjects = new Set(rows.map((row) => row.projectName)).size > 1;
  const nameOf = (row: PullRequestCommentRow) =>
    `${manyProjects ? `${row.projectName} / ` : ""}${row.appName} (${row.environmentSlug})`;
  const sorted = [...rows].sort(
    (a, b) => nameOf(a).localeCompare(nameOf(b)) || a.deploymentId.localeCompare(b.deploymentId),
  );
  const lines = sorted.map((row) => {
    const status = statusText[row.status];
    const statusCell = row.logUrl ? `${status} ([logs](${row.logUrl}))` : status;
    const preview =
      row.url && (row.status === "ready" || row.status === "idle") ? `[Visit](${row.url})` : "—";
    return `| **${escapeCell(nameOf(row))}** | ${statusCell} | ${preview} | ${formatUpdated(row.updatedAt)} |`;
  });
  return [
    pullRequestCommentMarker(workspaceId),
    "**Slipway** deployments of this pull request:",
    "",
    "| Name | Status | Preview | Updated |",
    "| :--- | :----- | :------ | :------ |",
    ...lines,
  ].join("\n");
}
