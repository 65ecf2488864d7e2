import type { DeploymentStatus } from "@slipway/shared";
import type { CheckRunContent } from "../github/github-api.js";

export const approveActionIdentifier = "approve";

/**
 * Pure: how a deployment looks as a GitHub check run, in every status. GitHub shows it from
 * the moment the deployment is queued, so a person sees progress, not only the result.
 */
export function checkRunContent(deployment: {
  id: string;
  status: DeploymentStatus;
  appSlug: string;
  environmentSlug: string;
  skipReason: string | null;
  errorMessage: string | null;
  forkRepository: string | null;
  /** The deployment's log page, when Slipway's public address is configured. */
  logUrl?: string | undefined;
}): CheckRunContent {
  const base = {
    name: `Slipway: ${deployment.appSlug} (${deployment.environmentSlug})`,
    externalId: deployment.id,
    ...(deployment.logUrl ? { detailsUrl: deployment.logUrl } : {}),
  };
  const where = `${deployment.appSlug} to ${deployment.environmentSlug}`;
  switch (deployment.status) {
    case "pending":
      return {
        ...base,
        status: "queued",
        title: "Queued",
        summary: `Deployment ${deployment.id} of ${where} is queued.`,
      };
    case "starting":
    case "building":
    case "deploying":
    case "network":
    case "finalizing":
      return {
        ...base,
        status: "in_progress",
        title: `${deployment.status[0]!.toUpperCase()}${deployment.status.slice(1)}`,
        summary: `Deployment ${deployment.id} of ${where} is ${deployment.status}.`,
      };
    case "awaiting_approval":
      return {
        ...base,
        status: "completed",
        conclusion: "action_required",
        title: "Waiting for approval",
        summary: `This change comes from the fork ${deployment.forkRepository ?? "(unknown)"}. A member with write access must approve it before Slipway builds it.`,
        actions: [
          {
            label: "Approve",
            description: "Build and deploy this fork's change",
            identifier: approveActionIdentifier,
          },
        ],
      };
    case "ready":
      return {
        ...base,
        status: "completed",
        conclusion: "success",
        title: "Deployed",
        summary: `Deployment ${deployment.id} of ${where} is ready.`,
      };
    case "idle":
      return {
        ...base,
        status: "completed",
        conclusion: "success",
        title: "Idle",
        summary: `Deployment ${deployment.id} of ${where} is idle; the next request starts it.`,
      };
    case "failed":
      return {
        ...base,
        status: "completed",
        conclusion: "failure",
        title: "Failed",
        summary: deployment.errorMessage ?? "The deployment failed.",
      };
    case "skipped":
      return {
        ...base,
        status: "completed",
        conclusion: "skipped",
        title: "Skipped",
        summary: deployment.skipReason ?? "Skipped.",
      };
    case "cancelled":
    case "superseded":
    case "stopped":
      return {
        ...base,
        status: "completed",
        conclusion: deployment.status === "stopped" ? "neutral" : "cancelled",
        title: `${deployment.status[0]!.toUpperCase()}${deployment.status.slice(1)}`,
        summary: `Deployment ${deployment.id} of ${where} was ${deployment.status}.`,
      };
  }
}
