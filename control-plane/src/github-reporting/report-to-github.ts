import { and, eq, sql } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client.js";
import { apps, deployments, domains, environments } from "../db/schema/index.js";
import { recordCheckRunId } from "../deployments/github-references.js";
import { type GitHubApi, isMissingPermission } from "../github/github-api.js";
import type { JobContext } from "../jobs/job-context.js";
import { checkRunContent } from "./check-run-content.js";
import { deploymentLogUrl, deploymentUrl } from "./deployment-links.js";
import type { GitHubDeploymentFacts } from "./github-deployment-content.js";
import { commentedPullRequestsOf } from "./pull-request-comment.js";
import { reportGitHubDeployment } from "./report-github-deployment.js";
import { type PullRequestKey, reportPullRequestComment } from "./report-pull-request-comment.js";

export type ReportDependencies = JobContext & {
  github: GitHubApi | undefined;
  /** Slipway's public address, for links to a deployment's log; without it none are shown. */
  publicUrl?: string | undefined;
};

/** First key of the advisory lock that serializes the reports of one deployment. */
const reportLockNamespace = 0x67687270;

async function readDeployment(db: DatabaseOrTransaction, deploymentId: string) {
  const [row] = await db
    .select({
      deployment: deployments,
      appSlug: apps.slug,
      repository: apps.gitRepository,
      currentDeploymentId: apps.currentDeploymentId,
      environmentSlug: environments.slug,
      environmentKind: environments.kind,
    })
    .from(deployments)
    .innerJoin(apps, eq(apps.id, deployments.appId))
    .innerJoin(environments, eq(environments.id, deployments.environmentId))
    .where(eq(deployments.id, deploymentId));
  return row;
}

async function verifiedDomainsOf(db: DatabaseOrTransaction, environmentId: string) {
  const rows = await db
    .select({ domain: domains.domain })
    .from(domains)
    .where(and(eq(domains.environmentId, environmentId), eq(domains.status, "verified")))
    .orderBy(domains.createdAt, domains.domain);
  return rows.map((row) => row.domain);
}

/**
 * The `github.report` job: makes GitHub show a deployment's current status — its check run,
 * its GitHub deployment and, for a pull request's deployment, the pull request's comment.
 * Level-triggered: it reads the status now, so a late or repeated job shows the latest state.
 * Reports of one deployment take turns (an advisory lock held for the job), so two jobs of the
 * same deployment never both create its check run or GitHub deployment.
 */
export async function reportDeploymentToGitHub(
  deps: ReportDependencies,
  deploymentId: string,
): Promise<void> {
  const github = deps.github;
  if (!github) return;
  const report = await deps.db.transaction(async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(${reportLockNamespace}::int4, hashtext(${deploymentId}))`,
    );
    const row = await readDeployment(tx, deploymentId);
    if (!row) return undefined;
    const { deployment } = row;
    if (!deployment.githubInstallationId || !row.repository || !deployment.gitCommitSha) {
      return undefined;
    }
    const target = { installationId: deployment.githubInstallationId, repository: row.repository };
    await reportCheckRun(deps, github, target, {
      ...deployment,
      gitCommitSha: deployment.gitCommitSha,
      appSlug: row.appSlug,
      environmentSlug: row.environmentSlug,
      logUrl: deploymentLogUrl(deps.publicUrl, deployment),
    });
    const isCurrent = row.currentDeploymentId === deployment.id;
    const productionServing = row.environmentKind === "production" && isCurrent;
    const facts: GitHubDeploymentFacts = {
      id: deployment.id,
      status: deployment.status,
      appSlug: row.appSlug,
      environmentSlug: row.environmentSlug,
      environmentKind: row.environmentKind,
      gitCommitSha: deployment.gitCommitSha,
      url: deploymentUrl({
        environmentKind: row.environmentKind,
        isCurrent,
        hostnames: deployment.hostnames,
        verifiedDomains: productionServing
          ? await verifiedDomainsOf(tx, deployment.environmentId)
          : [],
      }),
      logUrl: deploymentLogUrl(deps.publicUrl, deployment),
    };
    await unlessForbidden(deps, deploymentId, "deployment", () =>
      reportGitHubDeployment({
        db: deps.db,
        github,
        target,
        storedGitHubDeploymentId: deployment.githubDeploymentId,
        facts,
      }),
    );
    return {
      pullRequest: { workspaceId: deployment.workspaceId, ...target },
      commented: commentedPullRequestsOf({ ...deployment, environmentKind: row.environmentKind }),
    };
  });
  if (!report || report.commented.kind === "none") return;
  // After the deployment's lock is released: the comment has a lock of its own (its row), and
  // never holding both means two jobs can never wait on each other.
  const { commented } = report;
  await unlessForbidden(deps, deploymentId, "pull request comment", async () => {
    const pullRequests: PullRequestKey[] =
      commented.kind === "pull-request"
        ? [{ ...report.pullRequest, number: commented.number }]
        : (
            await github.openPullRequestsOf({ ...report.pullRequest, branch: commented.branch })
          ).map((number) => ({ ...report.pullRequest, number, headBranch: commented.branch }));
    for (const pullRequest of pullRequests) {
      await reportPullRequestComment(
        { db: deps.db, github, publicUrl: deps.publicUrl, clock: deps.clock },
        pullRequest,
      );
    }
  });
}

/**
 * Runs one part of a report that an installation may not permit yet (its owner has not
 * accepted the App's newer permissions): refused, it is skipped with a warning, so the check
 * run and the other parts still show, and the job does not retry what cannot succeed.
 */
async function unlessForbidden(
  deps: ReportDependencies,
  deploymentId: string,
  part: string,
  run: () => Promise<void>,
): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!isMissingPermission(error)) throw error;
    deps.log.warn(
      { deploymentId, part },
      "GitHub refused part of a report: the App's installation lacks a permission",
    );
  }
}

/** Creates the deployment's check run, or updates the one it has, to show its status now. */
async function reportCheckRun(
  deps: ReportDependencies,
  github: GitHubApi,
  target: { installationId: string; repository: string },
  deployment: Parameters<typeof checkRunContent>[0] & {
    gitCommitSha: string;
    githubCheckRunId: string | null;
  },
): Promise<void> {
  const content = checkRunContent(deployment);
  if (deployment.githubCheckRunId) {
    await github.updateCheckRun({ ...target, checkRunId: deployment.githubCheckRunId, content });
    return;
  }
  // A report that died after GitHub created the check run, before its id was stored here,
  // finds that run again instead of adding a second one to the commit.
  const created = await github.findCheckRun({
    ...target,
    headSha: deployment.gitCommitSha,
    name: content.name,
    externalId: content.externalId,
  });
  if (created) await github.updateCheckRun({ ...target, checkRunId: created, content });
  const checkRunId =
    created ??
    (await github.createCheckRun({ ...target, headSha: deployment.gitCommitSha, content }));
  await recordCheckRunId(deps.db, deployment.id, checkRunId);
}
