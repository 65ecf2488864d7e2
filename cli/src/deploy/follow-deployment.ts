import type { Deployment } from "@unkey/api/models/components";
import type { DeploymentLogLine, SlipwayApi } from "../api/slipway-api.js";
import { CliError, exitCodes } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import type { Progress } from "../output/progress.js";
import { formatElapsed } from "../output/units.js";
import { type DeploymentOutcome, judgeDeployment } from "./deployment-outcome.js";

/** Reads in a row that may fail for a passing reason before following gives up. */
const maxTransientFailures = 5;

/**
 * Pure: a read worth asking again, because the API was briefly away (restarting, overloaded),
 * not because it refused the request.
 */
export function isTransientReadFailure(error: unknown): boolean {
  if (!(error instanceof CliError) || error.exitCode !== exitCodes.api) return false;
  const status = error.api?.status;
  return status === undefined || status === 429 || status >= 500;
}

export interface FollowOptions {
  pollMs: number;
  /** Give up waiting after this long (the deployment goes on). */
  timeoutMs: number;
}

/** Reads a deployment's log from `cursor` to its current end, line by line. */
export async function drainLog(
  api: SlipwayApi,
  deploymentId: string,
  cursor: string | undefined,
  onLine: (line: DeploymentLogLine) => void,
): Promise<string | undefined> {
  let next = cursor;
  for (;;) {
    const page = await api.getDeploymentLogs(deploymentId, next);
    for (const line of page.lines) onLine(line);
    next = page.cursor ?? next;
    if (!page.hasMore || page.lines.length === 0) return next;
  }
}

/**
 * Follows a deployment until it is ready or has ended: each status change is a progress step,
 * each new log line goes to `onLine` (the progress's tail by default). The status is read before
 * the log, so once an end is seen the log read after it is complete.
 */
export async function followDeployment(
  api: SlipwayApi,
  io: CliIo,
  deploymentId: string,
  progress: Progress,
  options: FollowOptions,
  onLine: (line: DeploymentLogLine) => void = (line) => progress.log(line.message),
): Promise<{ deployment: Deployment; outcome: DeploymentOutcome }> {
  const startedAt = io.now();
  let cursor: string | undefined;
  let phase: string | undefined;
  let failures = 0;
  for (;;) {
    let read: { deployment: Deployment; outcome: DeploymentOutcome };
    try {
      const { data: deployment } = await api.call((sdk) =>
        sdk.deployments.getDeployment({ deploymentId }),
      );
      read = { deployment, outcome: judgeDeployment(deployment, api.url) };
      if (read.outcome.kind === "ready") {
        // The API knows Sentinel's port and scheme; the URLs guessed from the API's are a fallback.
        const urls = await api.getDeploymentUrls(deploymentId);
        if (urls) read.outcome = { kind: "ready", urls };
      }
      if (read.outcome.kind === "waiting" && read.outcome.phase !== phase) {
        phase = read.outcome.phase;
        progress.step(phase);
      }
      cursor = await drainLog(api, deploymentId, cursor, onLine);
      failures = 0;
    } catch (error) {
      failures += 1;
      if (!isTransientReadFailure(error) || failures >= maxTransientFailures) throw error;
      await io.sleep(Math.min(options.pollMs * 2 ** failures, 10_000));
      continue;
    }
    if (read.outcome.kind !== "waiting") return read;
    if (io.now() - startedAt > options.timeoutMs) {
      throw new CliError(
        exitCodes.rolloutFailed,
        `Gave up waiting after ${formatElapsed(io.now() - startedAt)}; ${deploymentId} is still ${read.deployment.status} (slipway deployments get ${deploymentId}).`,
      );
    }
    await io.sleep(options.pollMs);
  }
}
