import type { Job } from "../jobs/job-types.js";
import {
  type LifecycleEvent,
  type LifecycleTransition,
  lifecycleTransitions,
} from "./lifecycle-table.js";

/** What must happen after a deployment changed, sent once its transaction has committed. */
export interface FollowUps {
  jobs: Job[];
  /** Deployments whose running work (a build) should stop now. */
  cancellations: string[];
}

export const noFollowUps = (): FollowUps => ({ jobs: [], cancellations: [] });

export function mergeFollowUps(...all: FollowUps[]): FollowUps {
  return {
    jobs: all.flatMap((followUps) => followUps.jobs),
    cancellations: all.flatMap((followUps) => followUps.cancellations),
  };
}

/** What the follow-ups of a deployment are decided from. */
export interface FollowUpFacts {
  id: string;
  status: string;
  image: string | null;
  createdAt: Date;
  updatedAt: Date | null;
  githubInstallationId: string | null;
}

const revisionOf = (row: Pick<FollowUpFacts, "status" | "createdAt" | "updatedAt">) =>
  `${row.status}-${(row.updatedAt ?? row.createdAt).getTime()}`;

/**
 * Pure: a GitHub report job per deployment that came from GitHub. The revision names the
 * status and when it changed, so the same change reported twice is one job; `because` names a
 * change the status does not show (a promotion moving the domains), so its report is a new job.
 */
export function reportJobsOf(
  rows: readonly Omit<FollowUpFacts, "image">[],
  because?: string,
): Job[] {
  return rows.flatMap((row) =>
    row.githubInstallationId
      ? [
          {
            name: "github.report" as const,
            data: {
              deploymentId: row.id,
              revision: `${revisionOf(row)}${because ? `-${because}` : ""}`,
            },
          },
        ]
      : [],
  );
}

/**
 * Pure: the job a deployment waits for as it stands, if any: a build for a queued deployment
 * without an image, the deploy step for one rolling out. Job ids are the deployment and step,
 * so enqueueing it again (a retried webhook, a recovery sweep) adds nothing.
 */
export function nextStepJobOf(row: Pick<FollowUpFacts, "id" | "status" | "image">): Job[] {
  if (row.status === "pending" && !row.image) {
    return [{ name: "deployment.build", data: { deploymentId: row.id } }];
  }
  if (row.status === "deploying") {
    return [{ name: "deployment.deploy", data: { deploymentId: row.id } }];
  }
  return [];
}

/**
 * Pure: the `deployment.power` job that brings the CR in line after a stop or a start. Its
 * deploy job's id may be used up already, so each change of power is a job of its own.
 */
export const powerJobOf = (row: Pick<FollowUpFacts, "id" | "status" | "createdAt" | "updatedAt">) =>
  ({
    name: "deployment.power",
    data: { deploymentId: row.id, revision: revisionOf(row) },
  }) satisfies Job;

/** Pure: what follows a deployment created or re-read as it stands: its report and next step. */
export function followUpsOfCurrent(rows: readonly FollowUpFacts[], because?: string): FollowUps {
  return {
    jobs: [...reportJobsOf(rows, because), ...rows.flatMap((row) => nextStepJobOf(row))],
    cancellations: [],
  };
}

/** Pure: what follows one status change of the lifecycle table, decided by the row it left. */
export function followUpsOf(event: LifecycleEvent, row: FollowUpFacts): FollowUps {
  const transition: LifecycleTransition = lifecycleTransitions[event];
  const followUps: FollowUps = { jobs: reportJobsOf([row]), cancellations: [] };
  switch (transition.next) {
    case "build":
    case "deploy":
      followUps.jobs.push(...nextStepJobOf(row));
      break;
    case "power":
      followUps.jobs.push(powerJobOf(row));
      break;
    case "announce_cancellation":
      followUps.cancellations.push(row.id);
      break;
  }
  return followUps;
}
