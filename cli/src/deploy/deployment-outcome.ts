import type { Deployment } from "@unkey/api/models/components";
import { type ExitCode, exitCodes } from "../cli-error.js";

export type DeploymentOutcome =
  | { kind: "waiting"; phase: string }
  | { kind: "ready"; urls: string[] }
  | { kind: "ended"; exitCode: ExitCode; message: string };

const phases: Partial<Record<Deployment["status"], string>> = {
  pending: "Queued",
  starting: "Queued",
  awaiting_approval: "Waiting for approval (slipway deployments approve)",
  building: "Building",
  deploying: "Rolling out",
  network: "Rolling out",
  finalizing: "Rolling out",
};

/**
 * Pure: the URLs of a deployment's hostnames, in the scheme the API itself is reached by (a
 * platform on `http://localhost` serves its apps over http too; a public one over https).
 * A guess for servers that do not list `urls` themselves (it cannot know Sentinel's port).
 */
export function deploymentUrls(domains: readonly string[] | undefined, apiUrl: string): string[] {
  const scheme = apiUrl.startsWith("http://") ? "http" : "https";
  return (domains ?? []).map((domain) => `${scheme}://${domain}`);
}

/**
 * Pure: where a deployment stands for someone waiting on it. A failed build exits 4; a failed
 * rollout, or a deployment that ended without running (cancelled, superseded, skipped,
 * stopped), exits 5.
 */
export function judgeDeployment(deployment: Deployment, apiUrl: string): DeploymentOutcome {
  const phase = phases[deployment.status];
  if (phase) return { kind: "waiting", phase };
  if (deployment.status === "ready") {
    return { kind: "ready", urls: deploymentUrls(deployment.domains, apiUrl) };
  }
  if (deployment.status === "failed") {
    const error = deployment.error;
    const isBuild = error?.code === "build_failed" || error?.step === "build";
    return {
      kind: "ended",
      exitCode: isBuild ? exitCodes.buildFailed : exitCodes.rolloutFailed,
      message: `${isBuild ? "The build failed" : "The rollout failed"}${error ? ` (${error.code}, step ${error.step}): ${error.message}` : "."}`,
    };
  }
  return {
    kind: "ended",
    exitCode: exitCodes.rolloutFailed,
    message: `The deployment ended ${deployment.status} without running.`,
  };
}
