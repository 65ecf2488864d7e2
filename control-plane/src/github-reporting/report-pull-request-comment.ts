import { newId } from "@slipway/shared";
import { and, desc, eq, isNull, or, sql } from "drizzle-orm";
import type { Database, DatabaseOrTransaction } from "../db/client.js";
import {
  apps,
  deployments,
  environments,
  projects,
  pullRequestComments,
} from "../db/schema/index.js";
import type { GitHubApi } from "../github/github-api.js";
import { deploymentLogUrl, deploymentUrl } from "./deployment-links.js";
import {
  type PullRequestCommentRow,
  pullRequestCommentBody,
  pullRequestCommentMarker,
} from "./pull-request-comment.js";

/** A pull request as one workspace sees it: the comment Slipway keeps there is this key's. */
export interface PullRequestKey {
  workspaceId: string;
  installationId: string;
  /** `owner/name` of the base repository. */
  repository: string;
  number: number;
  /**
   * The head branch of a pull request from the repository itself: its previews are the
   * branch's push deployments, which carry no pull request number.
   */
  headBranch?: string | undefined;
}

/** The newest deployment of the pull request for each app and environment of the workspace. */
async function latestDeploymentsOf(
  db: DatabaseOrTransaction,
  pullRequest: PullRequestKey,
  publicUrl: string | undefined,
): Promise<PullRequestCommentRow[]> {
  const rows = await db
    .selectDistinctOn([deployments.appId, deployments.environmentId], {
      deployment: deployments,
      appName: apps.name,
      currentDeploymentId: apps.currentDeploymentId,
      projectName: projects.name,
      environmentSlug: environments.slug,
      environmentKind: environments.kind,
    })
    .from(deployments)
    .innerJoin(apps, eq(apps.id, deployments.appId))
    .innerJoin(projects, eq(projects.id, deployments.projectId))
    .innerJoin(environments, eq(environments.id, deployments.environmentId))
    .where(
      and(
        eq(deployments.workspaceId, pullRequest.workspaceId),
        sql`lower(${apps.gitRepository}) = ${pullRequest.repository.toLowerCase()}`,
        pullRequest.headBranch
          ? or(
              eq(deployments.pullRequestNumber, pullRequest.number),
              and(
                isNull(deployments.pullRequestNumber),
                eq(deployments.gitBranch, pullRequest.headBranch),
                eq(environments.kind, "preview"),
              ),
            )
          : eq(deployments.pullRequestNumber, pullRequest.number),
      ),
    )
    .orderBy(
      deployments.appId,
      deployments.environmentId,
      desc(deployments.createdAt),
      desc(deployments.id),
    );
  return rows.map((row) => ({
    projectName: row.projectName,
    appName: row.appName,
    environmentSlug: row.environmentSlug,
    deploymentId: row.deployment.id,
    status: row.deployment.status,
    url: deploymentUrl({
      environmentKind: row.environmentKind,
      isCurrent: row.currentDeploymentId === row.deployment.id,
      hostnames: row.deployment.hostnames,
      // A pull request deploys to previews, which answer on their own hostnames only.
      verifiedDomains: [],
    }),
    logUrl: deploymentLogUrl(publicUrl, row.deployment),
    updatedAt: row.deployment.updatedAt ?? row.deployment.createdAt,
  }));
}

/**
 * Writes the workspace's one comment on a pull request: a table of the newest deployment of
 * each app and environment. The comment's row is locked for the whole write, so two report jobs
 * of the same pull request take turns and the second edits what the first created. Without a
 * stored comment id (first write, or a crash after GitHub created it) the App's comment carrying
 * the marker is looked for before a new one is created.
 */
export async function reportPullRequestComment(
  deps: { db: Database; github: GitHubApi; publicUrl?: string | undefined; clock: () => Date },
  pullRequest: PullRequestKey,
): Promise<void> {
  const repository = pullRequest.repository.toLowerCase();
  const at = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx
      .insert(pullRequestComments)
      .values({
        id: newId("pullRequestComment", at.getTime()),
        workspaceId: pullRequest.workspaceId,
        installationId: pullRequest.installationId,
        repository,
        pullRequestNumber: pullRequest.number,
        createdAt: at,
      })
      .onConflictDoNothing();
    const [row] = await tx
      .select()
      .from(pullRequestComments)
      .where(
        and(
          eq(pullRequestComments.workspaceId, pullRequest.workspaceId),
          eq(pullRequestComments.repository, repository),
          eq(pullRequestComments.pullRequestNumber, pullRequest.number),
        ),
      )
      .for("update");
    if (!row) return;
    // Read after the lock: the table shows every deployment the previous writer saw, or newer.
    const body = pullRequestCommentBody(
      pullRequest.workspaceId,
      await latestDeploymentsOf(tx, pullRequest, deps.publicUrl),
    );
    const target = {
      installationId: pullRequest.installationId,
      repository: pullRequest.repository,
    };
    if (row.commentId) {
      const updated = await deps.github.updateIssueComment({
        ...target,
        commentId: row.commentId,
        body,
      });
      if (updated === "updated") return;
    }
    let commentId = await deps.github.findIssueComment({
      ...target,
      issueNumber: pullRequest.number,
      marker: pullRequestCommentMarker(pullRequest.workspaceId),
    });
    if (commentId) {
      await deps.github.updateIssueComment({ ...target, commentId, body });
    } else {
      commentId = await deps.github.createIssueComment({
        ...target,
        issueNumber: pullRequest.number,
        body,
      });
    }
    await tx
      .update(pullRequestComments)
      .set({ commentId, installationId: pullRequest.installationId, updatedAt: at })
      .where(eq(pullRequestComments.id, row.id));
  });
}
