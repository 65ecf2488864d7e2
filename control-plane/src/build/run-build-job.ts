import { PermanentJobError } from "../jobs/job-types.js";
import type { PipelineDependencies } from "../pipeline/process-delivery.js";

// biome-ignore lint/complexity/noBannedTypes: filled in by the build step (in progress this session)
export type BuildStepDependencies = {};

/** The build step of a deployment (in progress this session). */
export async function runBuildJob(
  _deps: PipelineDependencies & BuildStepDependencies,
  deploymentId: string,
): Promise<void> {
  throw new PermanentJobError(`the build step is not wired yet (deployment ${deploymentId})`);
}
